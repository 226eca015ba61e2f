"""The RACI grid (``commlib.raci.widgets``), driven from Python as a person would: cells set,
findings read under the grid, Save and Undo clicked; client screens; refusals in one line."""

from __future__ import annotations

from datetime import date

import pytest

from commlib import Assignment, CommlibError, Milestone, Project, Stakeholder, Store
from commlib.forms import changed, set_screen_audience
from commlib.raci import RaciMatrix, assign_all, raci_frame


@pytest.fixture
def p(store: Store) -> Project:
    project = store.add(Project(name="P", client="华辰制造", start=date(2026, 3, 1)))
    shared = {"organisation": "华辰", "visibility": "client"}
    store.add_all(
        [
            Stakeholder(project_id=project.id, name="张伟", **shared),
            Stakeholder(project_id=project.id, name="Li Lei", organisation="Nimbus", role="PM"),
            Stakeholder(project_id=project.id, name="王芳", **shared),
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
                visibility="client",
            )
        )
    assign_all(store, "P", {("蓝图", "张伟"): "A", ("蓝图", "Li Lei"): "R"})
    return project


def shown(widget) -> str:
    """Every piece of text the widget shows (values, labels, descriptions, options)."""
    found = []

    def walk(node):
        for attr in ("value", "description", "tooltip"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                found.append(value)
        found.extend(str(o) for o in getattr(node, "_options_labels", ()))
        for child in getattr(node, "children", ()):
            walk(child)

    walk(widget)
    return "\n".join(found)


def test_the_grid_shows_the_stored_cells(store, p):
    grid = RaciMatrix(store, "P", lang="en")
    assert grid.cell("蓝图", "张伟").value == "A"
    assert grid.cell("蓝图", "Li Lei").value == "R"
    assert grid.cell("上线", "王芳").value == ""
    assert grid.cell("蓝图", "张伟").options == ("", "R", "A", "A/R", "C", "I")
    assert grid.cell(2, 1) is grid.cell("蓝图", "张伟")  # ids, as stored
    text = shown(grid)
    assert "RACI matrix" in text and "Deliverable" in text and "PM" in text
    assert "Accountable" in text and "Save" in text
    # the grid: a row head, then a column per stakeholder; rows in due order
    assert grid.grid.layout.grid_template_columns.count("5.2em") == 3
    heads = [c.value for c in grid.grid.children[:4]]
    assert "张伟" in heads[1] and "Li Lei" in heads[2]
    assert "蓝图" in grid.grid.children[4].value and "上线" in grid.grid.children[8].value


def test_findings_follow_the_cells_before_they_are_saved(store, p):
    grid = RaciMatrix(store, "P", lang="en")
    assert "Milestone “上线” has no one Accountable (A)" in grid.findings_box.value
    assert [f.code for f in grid.findings] == ["no_accountable", "no_responsible", "no_role"]
    grid.cell("上线", "张伟").value = "A/R"
    assert [f.code for f in grid.findings] == ["no_role"]  # 王芳 has no role yet
    assert "Changed, not saved yet: 1 cell(s)" in grid.findings_box.value
    assert grid.cell("上线", "张伟").layout.border == "2px solid #f2a93b"
    assert grid.changed_cells() == [(1, 1)]
    assert raci_frame(store, "P").loc["上线", "张伟"] == ""  # nothing written yet
    grid.cell("上线", "王芳").value = "I"
    assert "one Accountable and at least one Responsible" in grid.findings_box.value


def test_save_writes_every_changed_cell_at_once(store, p):
    grid = RaciMatrix(store, "P", lang="en")
    grid.cell("上线", "张伟").value = "A"
    grid.cell("上线", "Li Lei").value = "R"
    grid.cell("蓝图", "Li Lei").value = "A/R"
    grid.cell("蓝图", "张伟").value = "C"
    assert grid.save_button.click() is None
    assert grid.status.level == "ok" and grid.status.message == "Saved: 4 cell(s)."
    frame = raci_frame(store, "P")
    assert frame.loc["上线"].tolist() == ["A", "R", ""]
    assert frame.loc["蓝图"].tolist() == ["C", "A/R", ""]
    assert grid.changed_cells() == [] and grid.cell("蓝图", "张伟").layout.border is None
    assert {a.visibility for a in store.records("raci", "P")} == {"internal"}
    assert grid.save() is True and grid.status.message == "Nothing to save: no cell was changed."


def test_undo_takes_the_save_back(store, p):
    grid = RaciMatrix(store, "P", lang="en")
    before = raci_frame(store, "P")
    grid.cell("蓝图", "张伟").value = ""
    grid.cell("上线", "王芳").value = "I"
    grid.visibility.value = "client"
    grid.save()
    assert raci_frame(store, "P", audience="client").loc["上线", "王芳"] == "I"
    assert grid.undo.layout.display is None
    assert grid.undo.undo() is True
    assert grid.status.message.startswith("Undone: the RACI change of 2 cell(s)")
    assert raci_frame(store, "P").equals(before)
    assert {a.visibility for a in store.records("raci", "P")} == {"internal"}
    assert grid.cell("蓝图", "张伟").value == "A"


def test_discard_puts_back_what_is_saved(store, p):
    grid = RaciMatrix(store, "P", lang="en")
    grid.cell("蓝图", "张伟").value = "I"
    grid.discard_button.click()
    assert grid.cell("蓝图", "张伟").value == "A" and grid.changed_cells() == []
    assert grid.status.level == "info"


def test_a_save_that_cannot_go_through_says_why_in_one_line_and_writes_nothing(store, p):
    extra = store.add(Stakeholder(project_id=p.id, name="赵敏"))
    grid = RaciMatrix(store, "P", lang="en")
    grid.cell("上线", "张伟").value = "A"
    grid.cell("上线", "赵敏").value = "R"
    store.delete("stakeholders", extra.id)  # gone meanwhile, from another screen
    assert grid.save() is False
    assert grid.status.level == "error" and "\n" not in grid.status.message
    assert grid.status.message.startswith("Not saved, nothing was changed: No stakeholder “#4”")
    assert grid.form.last_error is None  # a known refusal, not an unexpected error
    assert raci_frame(store, "P").loc["上线", "张伟"] == ""  # the good cell was not written
    assert grid.changed_cells() == [(1, 1), (1, 4)]  # what was typed stays on screen


def test_an_unknown_cell_is_named(store, p):
    grid = RaciMatrix(store, "P", lang="zh")
    with pytest.raises(CommlibError, match="矩阵中没有“UAT”与“张伟”的单元格"):
        grid.cell("UAT", "张伟")


def test_a_client_screen_shows_the_clients_part_and_shares_what_it_saves(store, p):
    assign_all(store, "P", {("上线", "张伟"): "A"}, visibility="client")
    assign_all(store, "P", {("上线", "王芳"): "R"})  # the team's note of who does it
    grid = RaciMatrix(store, "P", lang="en", audience="client")
    assert set(grid.cells) == {(2, 1), (2, 3), (1, 1), (1, 3)}  # Li Lei is internal
    assert "Li Lei" not in shown(grid)
    assert grid.cell("蓝图", "张伟").value == ""  # that A is internal
    locked = grid.cell("上线", "王芳")
    assert locked.disabled and locked.value == "" and "internal view" in locked.tooltip
    assert not grid.cell("蓝图", "王芳").disabled
    assert grid.badge.layout.display is None
    assert grid.visibility.value == "client"
    grid.cell("蓝图", "王芳").value = "A/R"
    assert grid.save() is True
    rows = [a for a in store.records("raci", "P") if a.milestone == 2 and a.stakeholder == 3]
    assert {(a.role, a.visibility) for a in rows} == {("A", "client"), ("R", "client")}


def test_the_grid_follows_the_screen_and_the_other_widgets(store, p):
    grid = RaciMatrix(store, "P", lang="en")
    grid.cell("蓝图", "王芳").value = "C"
    set_screen_audience(store, p.id, "client")
    assert grid.client and grid.visibility.value == "client"
    assert (2, 2) not in grid.cells  # Li Lei left the screen
    assert grid.cell("蓝图", "王芳").value == "C"  # what was typed stays
    set_screen_audience(store, p.id, "internal")
    assert grid.visibility.value == "internal" and (2, 2) in grid.cells
    new = store.add(
        Milestone(
            project_id=p.id,
            name="培训",
            baseline_due=date(2026, 5, 1),
            current_due=date(2026, 5, 1),
        )
    )
    changed(store, "milestones", p.id)
    assert grid.cell("培训", "张伟").value == ""
    assert "培训" in grid.grid.children[8].value  # between 蓝图 and 上线, by due date
    assert grid.cell("蓝图", "王芳").value == "C"
    assert new.id == 3


def test_a_role_an_import_stored_twice_is_kept_once_by_a_save(store, p):
    store.add(Assignment(project_id=p.id, milestone=2, stakeholder=1, role="A"))
    grid = RaciMatrix(store, "P", lang="en")
    assert grid.cell("蓝图", "张伟").value == "A"
    assert grid.changed_cells() == [(2, 1)]  # outlined: Save keeps the role once
    grid.save()
    assert len([a for a in store.records("raci", "P") if a.milestone == 2]) == 2


def test_a_pair_an_import_stored_shows_as_it_is(store, p):
    store.add_all(
        [
            Assignment(project_id=p.id, milestone=1, stakeholder=3, role="R"),
            Assignment(project_id=p.id, milestone=1, stakeholder=3, role="C"),
        ]
    )
    grid = RaciMatrix(store, "P", lang="en")
    assert grid.cell("上线", "王芳").value == "R/C"
    assert grid.changed_cells() == []


def test_a_project_without_milestones_says_what_to_do_first(store):
    store.add(Project(name="Empty", client="X", start=date(2026, 3, 1)))
    grid = RaciMatrix(store, "Empty", lang="zh")
    assert "还没有里程碑或交付物" in grid.empty.value and grid.cells == {}
    assert grid.save() is True and grid.status.level == "info"
