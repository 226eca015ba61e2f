"""Notebooks run top to bottom against a store, and are committed without outputs."""

import json
from datetime import date
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from commlib import Store

from .conftest import fill


def _parameters(nb, **values):
    """Override parameters the way papermill does: a cell after the ``parameters`` cell."""
    names = {
        line.split("=")[0].strip()
        for c in nb.cells
        if "parameters" in c.metadata.get("tags", [])
        for line in c.source.splitlines()
        if "=" in line
    }
    lines = [f"{k} = {v!r}" for k, v in values.items() if k in names]
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell("import datetime\n" + "\n".join(lines)))


NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_against_a_store(path, tmp_path, monkeypatch):
    db = tmp_path / "nb.db"
    fill(Store(db))
    monkeypatch.setenv("COMMLIB_DB", str(db))
    nb = nbformat.read(path, as_version=4)
    _parameters(nb, project="华辰 ERP 升级", today=date(2026, 3, 31))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    text = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    # the project's own records show up: a stakeholder, a risk, a milestone or a survey
    assert any(name in text for name in ["张伟", "关键用户离职", "UAT 完成", "项目满意度"])
    assert '"output_type": "error"' not in text
