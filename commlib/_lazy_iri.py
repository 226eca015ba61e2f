"""Defer ``rfc3987_syntax`` until an IRI is actually checked.

``jsonschema`` (imported by altair, nbformat and Jupyter) imports ``rfc3987_syntax`` to check
the ``iri`` / ``iri-reference`` formats, and that module compiles its Lark grammar at import
time: 0.9–2.5 s on these machines, paid by every ``import altair`` — every commlib kernel,
every report and the CLI commands that draw charts (python-jsonschema/jsonschema issue #1428;
opendatahub-io/notebooks issue #3532 measured JupyterLab's start at 2.25 s → 1.22 s without
it). No Vega-Lite or notebook schema uses those formats.

:func:`install` (run when this module is imported, which ``import commlib`` does first, before
anything imports jsonschema) puts a finder first on ``sys.meta_path`` that answers ``import
rfc3987_syntax`` with a small stand-in. Its ``is_valid_syntax`` — the one name jsonschema takes
— imports the real module the first time it is called and hands over, so an IRI is still
checked exactly as before, only later; any other attribute loads the real module too. When
``rfc3987_syntax`` is not installed the finder steps aside and jsonschema goes without the
check, as it does anyway. Nothing is removed or patched: only the moment of the import changes.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types
from typing import Any

NAME = "rfc3987_syntax"
_lock = threading.Lock()


def _real() -> types.ModuleType:
    """The real module, imported now if the stand-in is still in its place."""
    with _lock:
        current = sys.modules.get(NAME)
        if current is not None and not getattr(current, "__commlib_stand_in__", False):
            return current
        uninstall()
        sys.modules.pop(NAME, None)
        real = importlib.import_module(NAME)
        if current is not None:  # whoever holds the stand-in now reaches the real names
            current.__dict__.update({k: v for k, v in vars(real).items() if k[:2] != "__"})
        return real


def _is_valid_syntax(term: str, value: str) -> Any:
    return _real().is_valid_syntax(term, value)


def _module_getattr(name: str) -> Any:
    if name.startswith("__"):  # the import system asking for __path__ and the like
        raise AttributeError(name)
    return getattr(_real(), name)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != NAME:
            return None
        if importlib.machinery.PathFinder.find_spec(NAME) is None:
            return None  # not installed: jsonschema goes without the IRI check, as it would
        return importlib.util.spec_from_loader(NAME, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        module.__commlib_stand_in__ = True  # type: ignore[attr-defined]
        module.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined]
        module.__getattr__ = _module_getattr  # type: ignore[attr-defined]


_FINDER = _Finder()


def install() -> None:
    """Answer later imports of ``rfc3987_syntax`` with the stand-in (once; harmless if the real
    module is already loaded: then nothing changes)."""
    if NAME not in sys.modules and _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    """Let ``import rfc3987_syntax`` find the real module again."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)


install()
