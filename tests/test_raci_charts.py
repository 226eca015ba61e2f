"""The RACI chart (``commlib.raci.charts``): a cell per milestone and stakeholder with its
letters and colour, rows in due order, labels in zh and en, no notes, drawn offline."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import vl_convert

from commlib import Milestone, Project, Stakeholder, Store
from commlib.raci import ROLE_COLOURS, assign_all, raci_cells, raci_chart

SENTINEL = "INTERNAL-SENTINEL"


@pytest.fixture
def p(store: Store) -> Project:
    project = store.add(Project(name="P", client="华辰制造", start=date(2026, 3, 1)))
    store.add_all(
        [
            Stakeholder(project_id=project.id, name="张伟", organisation="华辰", notes=SENTINEL),
            Stakeholder(project_id=project.id, name="Li Lei", organisation="Nimbus"),
            Stakeholder(project_id=project.id, name="王芳", organisation="华辰"),
        ]
    )
    for name, kind, due in [
        ("上线", "milestone", date(2026, 6, 1)),
        ("蓝图", "deliverable", date(2026, 4, 10)),
    ]:
        store.add(
            Milestone(
                project_id=project.id,
                name=name,
                type=kind,
                baseline_due=due,
                current_due=due,
                notes=SENTINEL,
            )
        )
    assign_all(
        store,
        "P",
        {
            ("蓝图", "张伟"): "A",
            ("蓝图", "Li Lei"): "R",
            ("上线", "张伟"): "A/R",
            ("上线", "王芳"): "I",
        },
    )
    return project


def rows(spec: dict) -> list[dict]:
    [data] = spec["datasets"].values()
    return data


def layer(spec: dict, mark: str) -> dict:
    found = [x for x in spec["layer"] if x["mark"]["type"] == mark]
    return found[-1]


def test_a_cell_per_milestone_and_stakeholder_with_its_letters(store, p):
    spec = raci_chart(raci_cells(store, "P"), lang="en").to_dict()
    data = rows(spec)
    assert len(data) == 2 * 3  # empty cells too, so the grid is whole
    assert [(r["row"], r["column"], r["roles"]) for r in data] == [
        ("蓝图", "张伟", "A"),
        ("蓝图", "Li Lei", "R"),
        ("蓝图", "王芳", ""),
        ("上线", "张伟", "A/R"),
        ("上线", "Li Lei", ""),
        ("上线", "王芳", "I"),
    ]
    first, ar = data[0], data[3]
    assert first["type"] == "Deliverable" and first["due"] == "2026-04-10"
    assert first["organisation"] == "华辰" and first["meaning"] == "Accountable"
    assert ar["meaning"] == "Accountable and Responsible"
    assert ar["ink"] == "white" and data[5]["ink"] == "black"
    layers = [x["mark"]["type"] for x in spec["layer"]]
    assert layers == ["rect", "rect", "text"]
    assert layer(spec, "text")["encoding"]["text"]["field"] == "roles"
    assert layer(spec, "rect")["transform"] == [{"filter": "(datum.roles !== '')"}]


def test_rows_run_in_due_order_and_columns_as_stored(store, p):
    spec = raci_chart(raci_cells(store, "P")).to_dict()
    encoding = layer(spec, "text")["encoding"]
    assert encoding["y"]["sort"] == ["蓝图", "上线"]
    assert encoding["x"]["sort"] == ["张伟", "Li Lei", "王芳"]


def test_colours_follow_the_roles_shown(store, p):
    spec = raci_chart(raci_cells(store, "P"), lang="en").to_dict()
    scale = layer(spec, "rect")["encoding"]["color"]["scale"]
    assert scale["domain"] == [
        "A · Accountable",
        "A/R · Accountable and Responsible",
        "R · Responsible",
        "I · Informed",
    ]
    assert scale["range"] == [ROLE_COLOURS[r] for r in ("A", "A/R", "R", "I")]


def test_labels_in_chinese(store, p):
    spec = raci_chart(raci_cells(store, "P"), lang="zh").to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert spec["title"]["text"] == "谁做什么"
    assert "A/R · 最终负责、负责执行" in text and '"type": "交付物"' in text
    tips = [t["title"] for t in layer(spec, "text")["encoding"]["tooltip"]]
    assert tips == ["里程碑", "类型", "当前日期", "干系人", "单位", "角色"]


def test_no_notes_reach_the_chart(store, p):
    assert SENTINEL not in json.dumps(raci_chart(raci_cells(store, "P")).to_dict())


def test_it_draws_offline(store, p):
    # vl-convert renders in-process, with no network: the letters are there as text
    svg = vl_convert.vegalite_to_svg(raci_chart(raci_cells(store, "P"), lang="en").to_dict())
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert {"A", "R", "A/R", "I"} <= set(texts)
    assert "Who does what" in texts and "蓝图" in texts


def test_an_empty_matrix_is_still_a_chart(store):
    store.add(Project(name="Empty", client="X", start=date(2026, 3, 1)))
    spec = raci_chart(raci_cells(store, "Empty")).to_dict()
    assert rows(spec) == []
    assert vl_convert.vegalite_to_svg(spec).startswith("<svg")
