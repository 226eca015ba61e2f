"""The exceptions: every one a ``CommlibError`` defined in ``commlib.errors``, drawn in its tree."""

import importlib
import pkgutil
import re
import subprocess
import sys

import click
import ipywidgets as w
import pytest
from click.testing import CliRunner

import commlib
from commlib import errors
from commlib.errors import CommlibError, FormInvalid, Problem

#: a line of the docstring's tree: its indent, the class, the builtin bases in brackets
_LINE = re.compile(
    r"^(?P<indent>[ │├└─]*?)(?:[├└]── )?(?P<name>[A-Z]\w+)(?: \[(?P<bases>[\w, ]+)\])?"
)


def _all_modules():
    """Every module of commlib, so that every exception class is defined and re-exported."""
    for module in pkgutil.walk_packages(commlib.__path__, "commlib."):
        importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _tree():
    """``{class name: (parent name, builtin bases)}`` as the docstring draws them."""
    lines = errors.__doc__.split("\n    CommlibError\n", 1)[1].split("\n\n", 1)[0].splitlines()
    drawn = {"CommlibError": (None, ())}
    parents = ["CommlibError"]
    for line in lines:
        found = _LINE.match(line[4:])
        assert found, line
        depth = (found.end("indent") + 4) // 4  # "├── X": depth 1, "│   └── X": depth 2
        del parents[depth:]
        name = found["name"]
        bases = tuple(b.strip() for b in (found["bases"] or "").split(",") if b.strip())
        assert name not in drawn, f"{name} is drawn twice"
        drawn[name] = (parents[-1], bases)
        parents.append(name)
    return drawn


@pytest.fixture(scope="module")
def every_error():
    _all_modules()
    return [CommlibError, *dict.fromkeys(_subclasses(CommlibError))]


def test_every_error_is_defined_in_commlib_errors(every_error):
    assert len(every_error) >= 14  # the walk found them (not an empty list)
    for cls in every_error:
        assert cls.__module__ == "commlib.errors", cls
        assert getattr(errors, cls.__name__) is cls


def test_the_docstring_draws_the_whole_tree(every_error):
    drawn = _tree()
    assert set(drawn) == {cls.__name__ for cls in every_error}
    for cls in every_error[1:]:
        parent, builtins = drawn[cls.__name__]
        ours = [b.__name__ for b in cls.__bases__ if b.__module__ == "commlib.errors"]
        assert ours == [parent], cls
        others = [b.__name__ for b in cls.__bases__ if b.__module__ == "builtins"]
        assert tuple(others) == builtins, cls


def test_no_exception_of_commlib_lives_outside_the_tree(every_error):
    outside = {
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _subclasses(BaseException)
        if cls.__module__.startswith("commlib") and cls not in every_error
    }
    assert outside == {"commlib.importers._import._RolledBack"}  # how a dry run undoes its writes


@pytest.mark.parametrize(
    ("module", "name", "builtin"),
    [
        ("commlib.report", "ReportError", None),
        ("commlib.report", "NothingToReport", None),
        ("commlib.surveys.analysis", "AnalysisError", ValueError),
        ("commlib.importers.surveys._read", "UnreadableTable", None),
        ("commlib.importers.surveys", "UnreadableTable", None),
        ("commlib.formats", "FormatError", None),
        ("commlib.forms", "FormInvalid", None),
        ("commlib.contacts.widgets", "FormInvalid", None),
        ("commlib.importers.outlook", "NotOutlook", ValueError),
    ],
)
def test_the_old_names_still_work(module, name, builtin):
    cls = getattr(importlib.import_module(module), name)
    assert cls is getattr(errors, name) and issubclass(cls, CommlibError)
    if builtin:
        assert issubclass(cls, builtin)


def test_the_old_lists_of_names_still_name_them():
    import commlib.formats

    assert "FormatError" in commlib.formats.__all__
    for name in ["BadFile", "CommlibError", "Conflict", "InvalidRecord", "NotFound", "StoreError"]:
        assert name in commlib.__all__ and getattr(commlib, name) is getattr(errors, name)


def test_importing_the_errors_loads_no_pandas_pydantic_or_widgets():
    code = "import sys, commlib.errors; print(sorted(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    for heavy in ("pandas", "pydantic", "altair", "scipy", "ipywidgets", "sqlalchemy"):
        assert f"'{heavy}'" not in loaded, heavy


# --- FormInvalid: a CommlibError, caught as before ---------------------------------------------


def test_form_invalid_is_a_commlib_error():
    assert issubclass(FormInvalid, CommlibError)
    assert not issubclass(FormInvalid, errors.InvalidRecord)  # Form.run tells them apart


def test_form_invalid_puts_each_problem_under_its_field_not_in_one_message():
    from commlib.forms import Field, Form

    first = Form([Field("name", w.Text())], lang="en")
    second = Form([Field("email", w.Text())], lang="en")

    def action():
        raise FormInvalid(
            [
                (first, [Problem("name", "", "may not be empty")]),
                (second, [Problem("email", "x", "not an e-mail address")]),
            ]
        )

    assert first.run(action, clear=[second]) is False
    assert set(first.errors()) == {"name"} and set(second.errors()) == {"email"}
    assert first.status.level == "error"
    assert "2 problems" not in first.status.message  # not the generic CommlibError branch
    assert first.last_error is None  # nor the unexpected-error branch


def test_form_invalid_in_the_cli_is_one_line_and_exit_one():
    from commlib.cli import _Group

    @click.group(cls=_Group)
    def group():
        pass

    @group.command()
    def save():
        raise FormInvalid([(None, [Problem("name", "", "empty")])])

    result = CliRunner().invoke(group, ["save"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "1 problems" in result.output
    assert "Traceback" not in result.output
