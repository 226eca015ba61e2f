"""Chinese and English labels from one gettext catalog.

Every user-facing string has a key (``field.probability``, ``enum.channel.email``,
``error.not_found.project``). The translations live in gettext ``.po`` files,
``commlib/locale/{zh_CN,en}/LC_MESSAGES/*.po`` (one file per area: ``commlib.po`` for
the core, ``contacts.po``...), read with Babel, so any translator's tool (Poedit,
Weblate, Crowdin) can edit them. Together they form one catalog; a key lives in one file.

    >>> from commlib.i18n import t, language
    >>> with language("zh"):
    ...     t("field.probability")
    '概率'
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from functools import cache
from importlib.resources import files

from babel.messages.pofile import read_po

LANGUAGES = ("zh", "en")
_LOCALE_DIRS = {"zh": "zh_CN", "en": "en"}
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("commlib_lang", default=None)


def default_language() -> str:
    """``COMMLIB_LANG`` if set, else ``zh`` when the system locale is Chinese, else ``en``."""
    explicit = os.environ.get("COMMLIB_LANG", "").strip().lower()
    if explicit:
        return normalise(explicit)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def normalise(lang: str) -> str:
    """Map ``zh``, ``zh-CN``, ``zh_cn``, ``en-US``... to ``zh`` or ``en``."""
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        # Not translated: this message has to exist before the catalog can be chosen.
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return code


def get_language() -> str:
    return _current.get() or default_language()


def set_language(lang: str) -> None:
    """Set the language for this thread/context (``zh`` or ``en``)."""
    _current.set(normalise(lang))


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Use ``lang`` inside the block (``None`` keeps the current one)."""
    token = _current.set(normalise(lang) if lang else get_language())
    try:
        yield get_language()
    finally:
        _current.reset(token)


@cache
def catalog(lang: str) -> dict[str, str]:
    """All ``key -> text`` pairs of one language."""
    merged: dict[str, str] = {}
    for keys in _read(lang).values():
        merged |= keys
    return merged


def catalog_files(lang: str) -> dict[str, list[str]]:
    """``file name -> keys`` of one language (a test checks no key is in two files)."""
    return {name: list(keys) for name, keys in _read(lang).items()}


def _read(lang: str) -> dict[str, dict[str, str]]:
    folder = files("commlib") / "locale" / _LOCALE_DIRS[normalise(lang)] / "LC_MESSAGES"
    found = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".po"):
            with path.open("rb") as fh:
                found[path.name] = {m.id: m.string for m in read_po(fh) if m.id and m.string}
    return found


def t(key: str, lang: str | None = None, /, **values: object) -> str:
    """The text for ``key`` in ``lang`` (default: the current language), formatted with ``values``.

    A key missing from the chosen language falls back to English, then to the key itself,
    so a missing translation never breaks a session (a test keeps the catalogs complete).
    """
    code = normalise(lang) if lang else get_language()
    text = catalog(code).get(key) or catalog("en").get(key) or key
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalog("en")


def label(kind_or_field: str) -> str:
    """Label of a field (``owner``) or a kind of record (``risks``)."""
    for key in (f"kind.{kind_or_field}", f"field.{kind_or_field}"):
        if has(key):
            return t(key)
    return kind_or_field


def enum_label(enum: str, value: str) -> str:
    """Label of one value of an enumeration: ``enum_label("channel", "im")``."""
    return t(f"enum.{enum}.{value}")
