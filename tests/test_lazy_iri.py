"""``import commlib`` defers jsonschema's ``rfc3987_syntax`` (1-2.5 s of Lark grammars) until an
IRI is checked, and the check then gives what the real module gives."""

import json
import subprocess
import sys

import pytest

#: valid and invalid IRIs and IRI references, Chinese ones included
SAMPLES = [
    "http://例子.测试/路径?查询=值",
    "https://example.com/a b",
    "mailto:张三@例子.中国",
    "not an iri",
    "//example.com/x",
    "http://[::1]:80/",
    "",
]

_CHECK = """
import json, sys
{first}
import altair, jsonschema
loaded = "rfc3987_syntax.syntax_helpers" in sys.modules
checker = jsonschema.FormatChecker()
results = [[checker.conforms(v, "iri"), checker.conforms(v, "iri-reference")] for v in {samples!r}]
print(json.dumps({{"loaded_at_import": loaded, "results": results,
                   "loaded_after": "rfc3987_syntax.syntax_helpers" in sys.modules}}))
"""


def _run(first: str) -> dict:
    code = _CHECK.format(first=first, samples=SAMPLES)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def plain():
    return _run("")


@pytest.fixture(scope="module")
def with_commlib():
    return _run("import commlib")


def test_without_commlib_altair_compiles_the_iri_grammar_at_import(plain):
    assert plain["loaded_at_import"] is True


def test_with_commlib_the_grammar_waits_until_an_iri_is_checked(with_commlib):
    assert with_commlib["loaded_at_import"] is False
    assert with_commlib["loaded_after"] is True


def test_iris_are_judged_exactly_as_without_commlib(plain, with_commlib):
    assert with_commlib["results"] == plain["results"]
    assert with_commlib["results"][0] == [True, True]  # the Chinese IRI is an IRI
    assert with_commlib["results"][3] == [False, False]  # "not an iri" is neither


def test_other_imports_are_not_touched():
    code = (
        "import commlib, sys, importlib; "
        "import rfc3987_syntax as r; names = r.make_syntax_validator; "
        "print(type(sys.modules['rfc3987_syntax']).__name__, "
        "'rfc3987_syntax.syntax_helpers' in sys.modules, callable(names), "
        "any(type(f).__module__ == 'commlib._lazy_iri' for f in sys.meta_path))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # asking the stand-in for any other name loads the real module and steps the finder aside
    assert done.stdout.split() == ["module", "True", "True", "False"]
