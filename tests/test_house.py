"""The shape of the package, checked on its source: no import cycle at module level, no module
over 700 lines (the store excepted: one concept, as sqlite-utils' ``db.py``), SQL only in the
store layer, and each public surface exactly its ``__all__`` (httpx's check)."""

from __future__ import annotations

import ast
import importlib
import sys
import types
from pathlib import Path

import pytest

import commlib

PACKAGE = Path(commlib.__file__).parent
ROOT = PACKAGE.parent
#: the modules that may speak SQL: the store, its schema, and the survey data layer (the
#: bulk writer of a million responses and the batches it writes), and the server's access
#: control on PostgreSQL (its policies, triggers and grants are SQL)
STORE_LAYER = {"store.py", "_schema.py", "_responses.py", "surveys/data.py", "_access.py"}
LONGEST = 700


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "notebooks" in path.relative_to(PACKAGE).parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The commlib modules ``name`` imports when it is loaded (top level, not under
    ``TYPE_CHECKING``, not inside a function)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in node.body if isinstance(node, ast.Try) else [node]:
            if isinstance(inner, ast.Import):
                found |= {a.name for a in inner.names}
            elif isinstance(inner, ast.ImportFrom):
                base = inner.module or ""
                if inner.level:
                    up = package.split(".")[: len(package.split(".")) - inner.level + 1]
                    base = ".".join([*up, *([inner.module] if inner.module else [])])
                for alias in inner.names:
                    found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {m for m in found if m in modules and m != name}


def test_no_module_imports_itself_back_at_load_time():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    cycles = []

    def visit(name: str, trail: list[str], done: set[str]) -> None:
        for dep in sorted(graph[name]):
            if dep in trail:
                cycles.append([*trail[trail.index(dep) :], dep])
            elif dep not in done:
                visit(dep, [*trail, dep], done)
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name], done)
    assert not cycles, [" -> ".join(c) for c in cycles[:5]]


def test_the_scan_sees_a_cycle(tmp_path, monkeypatch):
    # the check above can fail: two modules that import each other are found
    (tmp_path / "commlib").mkdir()
    (tmp_path / "commlib" / "__init__.py").write_text("")
    (tmp_path / "commlib" / "a.py").write_text("from . import b\n")
    (tmp_path / "commlib" / "b.py").write_text("from .a import x\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "commlib")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    modules = _modules()
    assert _imports("commlib.a", modules["commlib.a"], modules) == {"commlib.b"}
    assert _imports("commlib.b", modules["commlib.b"], modules) == {"commlib.a"}


def test_no_module_is_longer_than_it_can_be_read():
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in _modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    long.pop("store.py", None)
    assert not long, long


def test_sql_is_spoken_only_by_the_store_layer():
    speaking = set()
    for path in _modules().values():
        source = path.read_text(encoding="utf-8")
        if "import sqlalchemy" in source or "from sqlalchemy" in source:
            speaking.add(path.relative_to(PACKAGE).as_posix())
    assert speaking <= STORE_LAYER, speaking - STORE_LAYER


@pytest.mark.parametrize(
    "name",
    [
        "commlib",
        "commlib.contacts",
        "commlib.risks",
        "commlib.schedule",
        "commlib.surveys",
        "commlib.importers",
        "commlib.issues",
        "commlib.live",
        "commlib.raci",
        "commlib.meetings",
    ],
)
def test_every_public_name_is_listed_and_every_listed_name_is_there(name):
    package = importlib.import_module(name)
    public = {
        n
        for n, value in vars(package).items()
        if not n.startswith("_") and not isinstance(value, types.ModuleType)
    } - {"annotations", "TYPE_CHECKING"}
    listed = set(package.__all__) - {"__version__"}
    public |= {n for n in listed - public if hasattr(package, n)}  # (PEP 562: served on use)
    assert public == listed, {"not listed": public - listed, "listed, not there": listed - public}
    for n in package.__all__:
        assert getattr(package, n) is not None
