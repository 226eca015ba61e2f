"""Notebooks run top to bottom against a store, and are committed without outputs; their
markdown follows the report conventions (``中文 · English`` headings, ``lang-*`` and ``help``
cells) and every table they show has labelled headers."""

import json
import re
from datetime import date
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from commlib import Store
from commlib.report import inject

from .conftest import fill

CJK = re.compile(r"[\u4e00-\u9fff]")
HEADING = re.compile(r"^(#{1,6})\s+(.+)$")
#: a field code left in a table header (``baseline_due``), instead of its label
CODE_HEADER = re.compile(r"<th[^>]*>([a-z][a-z0-9_]*)</th>")


#: the report kernel's tables: every DataFrame presented (labelled headers); the page stays live
DISPLAY = "import commlib.display\ncommlib.display.enable('zh')"


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
def test_markdown_follows_the_report_conventions(path):
    """Headings ``中文 · English`` (the first one a ``#`` title); other text in ``lang-zh``
    cells (Chinese) each followed by a ``lang-en`` twin (English), or in ``help`` or
    ``session`` cells, which reports leave out."""
    nb = nbformat.read(path, as_version=4)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert HEADING.match(markdown[0].source).group(1) == "#"
    for i, cell in enumerate(nb.cells):
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type != "markdown" or tags & {"help", "session"}:
            continue
        if "lang-zh" in tags:
            assert CJK.search(cell.source), cell.source
            twin = nb.cells[i + 1]
            assert "lang-en" in twin.metadata.get("tags", []), cell.source
            assert not CJK.search(twin.source), twin.source
            continue
        if "lang-en" in tags:
            assert "lang-zh" in nb.cells[i - 1].metadata.get("tags", []), cell.source
            continue
        lines = [line for line in cell.source.splitlines() if line.strip()]
        for line in lines:
            found = HEADING.match(line)
            assert found, f"untagged text in {path.name}: {line!r}"
            zh, _, en = found.group(2).partition(" · ")
            assert CJK.search(zh) and en and not CJK.search(en), line


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_against_a_store(path, tmp_path, monkeypatch):
    db = tmp_path / "nb.db"
    fill(Store(db))
    monkeypatch.setenv("COMMLIB_DB", str(db))
    nb = nbformat.read(path, as_version=4)
    inject(nb, {"project": "华辰 ERP 升级", "today": date(2026, 3, 31)}, DISPLAY)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    # live views (``page.live``) keep what they show in their widgets' state
    shown = [c.get("outputs", []) for c in nb.cells], nb.metadata.get("widgets", {})
    text = json.dumps(shown, ensure_ascii=False)
    # the project's own records show up: a stakeholder, a risk, a milestone or a survey
    assert any(name in text for name in ["张伟", "关键用户离职", "UAT 完成", "项目满意度"])
    assert '"output_type": "error"' not in text
    assert "<table" in text  # tables were shown, and none has a field code for a header
    assert CODE_HEADER.findall(text) == []
