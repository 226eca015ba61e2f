import re
import string
from pathlib import Path

import pytest

import commlib
from commlib.i18n import catalog, catalog_files, enum_label, label, language, normalise, t
from commlib.models import ENUMS, KINDS, Change

SOURCE = Path(commlib.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys():
    assert set(catalog("zh")) == set(catalog("en"))
    assert {f: set(k) for f, k in catalog_files("zh").items()} == {
        f: set(k) for f, k in catalog_files("en").items()
    }


def test_a_key_lives_in_one_file():
    keys = [k for ks in catalog_files("en").values() for k in ks]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_translations_keep_their_placeholders(key):
    assert placeholders(catalog("zh")[key]) == placeholders(catalog("en")[key])


def test_every_field_kind_and_enum_value_has_a_label():
    fields = {f for model in [*KINDS.values(), Change] for f in model.model_fields}
    missing = [f for f in fields if f"field.{f}" not in catalog("en")]
    missing += [k for k in [*KINDS, "history"] if f"kind.{k}" not in catalog("en")]
    missing += [
        f"{e}.{v}"
        for e, values in ENUMS.items()
        for v in values
        if f"enum.{e}.{v}" not in catalog("en")
    ]
    assert missing == []


def test_chinese_labels_are_chinese():
    with language("zh"):
        assert label("risks") == "风险"
        assert label("probability") == "概率"
        assert enum_label("engagement", "supportive") == "支持"
    labels = [v for k, v in catalog("zh").items() if k.startswith(("field.", "kind.", "enum."))]
    assert all(CJK.search(v) or (v.isascii() and v.isupper()) for v in labels)


def test_every_key_used_in_the_code_exists():
    used = set()
    for path in SOURCE.rglob("*.py"):
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z0-9_.]+)\"", path.read_text()))
    assert used, "the scan found no keys"
    assert sorted(used - set(catalog("en"))) == []


def test_language_codes_are_normalised():
    assert normalise("zh-CN") == "zh" and normalise("en_US") == "en"
    with pytest.raises(ValueError, match="zh, en"):
        normalise("fr")


def test_language_follows_environment(monkeypatch):
    for var in ("COMMLIB_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert t("word.error") == "错误"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert t("word.error") == "Error"
    with language("zh"):
        assert t("word.error") == "错误"
