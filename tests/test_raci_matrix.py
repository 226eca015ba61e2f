"""The RACI matrix's data (``commlib.raci.matrix``): the frame, one cell changed at a time,
refusals, the checks, and ``raci.csv`` through export and import."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner

from commlib import (
    Assignment,
    InvalidRecord,
    Milestone,
    NotFound,
    Project,
    Stakeholder,
    Store,
    language,
)
from commlib.cli import cli
from commlib.csvio import export_csv, import_csv
from commlib.raci import (
    assign,
    assign_all,
    cell_text,
    check,
    client_side,
    parse_roles,
    raci_cells,
    raci_frame,
    read_matrix,
)

CLIENT = "上海华辰智能制造有限公司"


@pytest.fixture
def p(store: Store) -> Project:
    """A project whose milestones are stored out of due order, with a cancelled one."""
    project = store.add(Project(name="P", client=CLIENT, start=date(2026, 3, 1)))
    people = [
        Stakeholder(project_id=project.id, name="张伟", organisation="华辰", visibility="client"),
        Stakeholder(project_id=project.id, name="Li Lei", organisation="Nimbus Consulting"),
        Stakeholder(project_id=project.id, name="王芳", organisation=CLIENT, visibility="client"),
        Stakeholder(project_id=project.id, name="赵敏"),
    ]
    store.add_all(people)
    store.add_all(
        [
            _milestone(project, "上线", "milestone", date(2026, 6, 1)),
            _milestone(project, "蓝图", "deliverable", date(2026, 4, 10)),
            _milestone(project, "培训手册", "deliverable", date(2026, 5, 1)),
            _milestone(project, "旧报表", "deliverable", date(2026, 4, 1), status="cancelled"),
        ]
    )
    return project


def _milestone(project: Project, name: str, kind: str, due: date, **more) -> Milestone:
    return Milestone(
        project_id=project.id,
        name=name,
        type=kind,
        baseline_due=due,
        current_due=due,
        visibility="client",
        **more,
    )


def _fill(store: Store) -> None:
    """Every rule kept: one A and at least one R everywhere, everyone holds a role."""
    assign_all(
        store,
        "P",
        {
            ("蓝图", "张伟"): "A",
            ("蓝图", "Li Lei"): "R",
            ("培训手册", "王芳"): "A/R",
            ("培训手册", "赵敏"): "I",
            ("上线", "张伟"): "A",
            ("上线", "Li Lei"): "R",
            ("上线", "王芳"): "C",
        },
    )


def codes(findings) -> list[tuple[str, str]]:
    return [(f.level, f.code) for f in findings]


# --- the frame --------------------------------------------------------------------------


def test_the_frame_has_milestones_by_due_date_and_a_column_per_stakeholder(store, p):
    _fill(store)
    frame = raci_frame(store, "P")
    assert list(frame.index) == ["蓝图", "培训手册", "上线"]  # due order; the cancelled one out
    assert frame.index.name == "milestone_name"  # labelled 里程碑 in a table
    assert list(frame.columns) == ["张伟", "Li Lei", "王芳", "赵敏"]
    assert frame.loc["培训手册", "王芳"] == "A/R"
    assert frame.loc["上线"].tolist() == ["A", "R", "C", ""]
    assert frame.loc["蓝图", "赵敏"] == ""


def test_names_two_records_share_get_their_id(store, p):
    store.add(Stakeholder(project_id=p.id, name="张伟", organisation="Nimbus"))
    assert list(raci_frame(store, "P").columns) == ["张伟 #1", "Li Lei", "王芳", "赵敏", "张伟 #5"]


def test_a_client_sees_only_client_visible_milestones_people_and_roles(store, p):
    _fill(store)
    assign(store, "P", "蓝图", "张伟", "A", visibility="client")
    frame = raci_frame(store, "P", audience="client")
    assert list(frame.columns) == ["张伟", "王芳"]  # Li Lei and 赵敏 are internal
    assert frame.loc["蓝图", "张伟"] == "A"
    assert frame.loc["上线", "张伟"] == ""  # that A is the team's
    cells = raci_cells(store, "P", audience="client")
    assert "notes" not in cells.columns
    assert len(cells) == 3 * 2


def test_cells_in_long_form(store, p):
    _fill(store)
    cells = raci_cells(store, "P")
    assert len(cells) == 3 * 4
    first = cells.iloc[0].to_dict()
    assert first["milestone_name"] == "蓝图" and first["stakeholder_name"] == "张伟"
    assert first["roles"] == "A" and first["type"] == "deliverable"
    assert first["organisation"] == "华辰" and first["current_due"] == date(2026, 4, 10)


# --- one cell ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, roles",
    [
        ("A/R", ("A", "R")),
        ("R/A", ("A", "R")),
        ("ar", ("A", "R")),
        ("Ａ", ("A",)),  # full width
        ("r, a", ("A", "R")),
        (["R", "A"], ("A", "R")),
        ("C", ("C",)),
        ("", ()),
        (None, ()),
        ([], ()),
    ],
)
def test_roles_as_people_write_them(given, roles):
    assert parse_roles(given) == roles
    assert cell_text(roles) == "/".join(roles)


@pytest.mark.parametrize(
    "given, words",
    [
        ("A/A", "twice"),
        (["R", "R"], "twice"),
        ("R/C", "Accountable and Responsible"),
        ("A/R/C", "Accountable and Responsible"),
        ("X", "R, A, A/R, C, I"),
    ],
)
def test_roles_refused(given, words):
    with pytest.raises(InvalidRecord, match=words):
        parse_roles(given)


def test_assign_replaces_one_cell(store, p):
    rows = assign(store, "P", "蓝图", "张伟", "R/A")
    assert [(a.role, a.visibility) for a in rows] == [("A", "internal"), ("R", "internal")]
    assert raci_frame(store, "P").loc["蓝图", "张伟"] == "A/R"
    [kept] = assign(store, "P", "蓝图", "张伟", "C")
    assert kept.role == "C" and kept.id in {a.id for a in rows}  # a row changed its role
    changes = store.history("P", kind="raci")
    assert {(c.field, c.old, c.new) for c in changes.itertuples() if c.field == "role"} == {
        ("role", "A", "C")
    }
    assert assign(store, "P", "蓝图", "张伟", "") == []
    assert store.records("raci", "P") == []
    assert raci_frame(store, "P").loc["蓝图", "张伟"] == ""


def test_assign_by_names_ids_or_records(store, p):
    zhang = store.records("stakeholders", "P")[0]
    blueprint = next(m for m in store.records("milestones", "P") if m.name == "蓝图")
    assign(store, "P", blueprint.id, zhang.id, "A")
    assign(store, p.id, blueprint, "li lei", "R")  # names ignore case
    assign(store, p, " 上线 ", zhang, "I")
    frame = raci_frame(store, "P")
    assert frame.loc["蓝图", ["张伟", "Li Lei"]].tolist() == ["A", "R"]
    assert frame.loc["上线", "张伟"] == "I"


def test_a_cell_keeps_a_role_it_holds_and_visibility_applies_to_all_its_rows(store, p):
    [a] = assign(store, "P", "蓝图", "张伟", "A")
    rows = assign(store, "P", "蓝图", "张伟", "A/R")
    assert a.id in {r.id for r in rows}
    assert {r.visibility for r in rows} == {"internal"}
    rows = assign(store, "P", "蓝图", "张伟", "A/R", visibility="client")
    assert {r.visibility for r in rows} == {"client"}
    assert raci_frame(store, "P", audience="client").loc["蓝图", "张伟"] == "A/R"


def test_unknown_names_are_refused_with_what_is_known(store, p):
    with pytest.raises(NotFound) as info:
        assign(store, "P", "蓝图", "Nobody", "A")
    message = str(info.value)
    assert "Nobody" in message and "“P”" in message and "张伟, Li Lei, 王芳, 赵敏" in message
    with pytest.raises(NotFound, match="milestone or deliverable “UAT”"):
        assign(store, "P", "UAT", "张伟", "A")
    other = store.add(Project(name="Other", client="X", start=date(2026, 3, 1)))
    theirs = store.add(_milestone(other, "蓝图", "deliverable", date(2026, 4, 1)))
    with pytest.raises(NotFound, match="#5"):
        assign(store, "P", theirs.id, "张伟", "A")  # another project's milestone
    with language("zh"), pytest.raises(NotFound, match="项目“P”中没有干系人“Nobody”"):
        assign(store, "P", "蓝图", "Nobody", "A")
    assert store.records("raci", "P") == []


def test_a_name_two_records_share_is_refused(store, p):
    store.add(Stakeholder(project_id=p.id, name="张伟"))
    with pytest.raises(InvalidRecord, match="#1, #5"):
        assign(store, "P", "蓝图", "张伟", "A")


def test_refusals_write_nothing(store, p):
    _fill(store)
    before = store.records("raci", "P")
    with pytest.raises(InvalidRecord):
        assign(store, "P", "蓝图", "张伟", "A/A")
    with pytest.raises(NotFound):  # one good cell and one unknown: neither is written
        assign_all(store, "P", {("蓝图", "王芳"): "C", ("蓝图", "Nobody"): "I"})
    with pytest.raises(InvalidRecord):
        assign_all(store, "P", {("蓝图", "王芳"): "C", ("上线", "赵敏"): "R/I"})
    with pytest.raises(InvalidRecord, match="visibility = 'public'"):
        assign(store, "P", "蓝图", "张伟", "A", visibility="public")
    assert store.records("raci", "P") == before


def test_assign_all_says_how_many_cells_changed(store, p):
    assert assign_all(store, "P", {("蓝图", "张伟"): "A", ("蓝图", "Li Lei"): ""}) == 1
    assert assign_all(store, "P", {("蓝图", "张伟"): "A"}) == 0


# --- the checks -------------------------------------------------------------------------


def test_a_full_matrix_has_no_findings(store, p):
    _fill(store)
    assert check(store, "P") == []


def test_exactly_one_accountable(store, p):
    _fill(store)
    assign(store, "P", "蓝图", "张伟", "")  # no A
    assign(store, "P", "上线", "王芳", "A")  # two A
    findings = check(store, "P", lang="en")
    assert codes(findings.errors) == [("error", "no_accountable"), ("error", "several_accountable")]
    blueprint, golive = findings.errors
    assert blueprint.milestone == 2 and blueprint.stakeholder is None
    assert blueprint.message == (
        "Deliverable “蓝图” has no one Accountable (A): give it exactly one."
    )
    assert golive.message == (
        "Milestone “上线” has 2 people Accountable (A): 张伟, 王芳. Keep exactly one."
    )


def test_at_least_one_responsible(store, p):
    _fill(store)
    assign(store, "P", "培训手册", "王芳", "A")
    [finding] = check(store, "P", lang="zh")
    assert (finding.level, finding.code, finding.milestone) == ("error", "no_responsible", 3)
    assert finding.message == "交付物“培训手册”没有负责执行人（R）：请至少指定一位。"
    assign(store, "P", "培训手册", "赵敏", "R")  # the I becomes R: the finding goes
    assert [f.code for f in check(store, "P")] == []


def test_stakeholders_with_no_role_are_a_warning(store, p):
    _fill(store)
    assign(store, "P", "培训手册", "赵敏", "")
    [finding] = check(store, "P", lang="en")
    assert (finding.level, finding.code) == ("warning", "no_role")
    assert (finding.milestone, finding.stakeholder) == (None, 4)
    assert finding.message == "赵敏 has no role on any milestone or deliverable."


def test_roles_on_a_cancelled_milestone_count_for_nothing(store, p):
    _fill(store)
    assign(store, "P", "培训手册", "赵敏", "")
    assign(store, "P", "旧报表", "赵敏", "R")  # cancelled: not in the matrix, not checked
    assert codes(check(store, "P")) == [("warning", "no_role")]


def test_the_accountable_of_a_deliverable_should_be_the_clients(store, p):
    _fill(store)
    assign_all(store, "P", {("蓝图", "张伟"): "", ("蓝图", "Li Lei"): "A/R"})
    [finding] = check(store, "P", lang="en")
    assert (finding.level, finding.code) == ("warning", "client_not_accountable")
    assert (finding.milestone, finding.stakeholder) == (2, 2)
    assert "Li Lei (Nimbus Consulting)" in finding.message and CLIENT in finding.message
    # the person who accepted the deliverable is the client's, whatever their organisation
    store.update("milestones", 2, accepted_by=2, accepted_on=date(2026, 4, 12))
    assert check(store, "P") == []
    # on a milestone (not a deliverable) the team may be accountable
    assign_all(store, "P", {("上线", "张伟"): "C", ("上线", "Li Lei"): "A/R"})
    assert check(store, "P") == []


def test_an_accountable_with_no_organisation_is_not_taken_for_the_client(store, p):
    _fill(store)
    assign_all(store, "P", {("培训手册", "王芳"): "R", ("培训手册", "赵敏"): "A"})
    [finding] = check(store, "P", lang="zh")
    assert finding.code == "client_not_accountable" and "未填写单位" in finding.message


def test_errors_come_first(store, p):
    assign(store, "P", "蓝图", "Li Lei", "A")
    found = codes(check(store, "P"))
    assert found == [
        ("error", "no_responsible"),
        ("error", "no_accountable"),
        ("error", "no_responsible"),
        ("error", "no_accountable"),
        ("error", "no_responsible"),
        ("warning", "client_not_accountable"),
        ("warning", "no_role"),
        ("warning", "no_role"),
        ("warning", "no_role"),
    ]


def test_a_role_stored_twice_is_an_error(store, p):
    _fill(store)
    store.add(Assignment(project_id=p.id, milestone=2, stakeholder=1, role="A"))  # an import
    assert raci_frame(store, "P").loc["蓝图", "张伟"] == "A"
    assert codes(check(store, "P")) == [("error", "twice")]
    assign(store, "P", "蓝图", "张伟", "A")  # setting the cell keeps it once
    assert check(store, "P") == []
    assert len([a for a in store.records("raci", "P") if a.milestone == 2]) == 2


def test_a_client_check_reads_what_the_client_sees(store, p):
    _fill(store)
    shared = {("蓝图", "张伟"): "A", ("培训手册", "王芳"): "A/R"}
    assign_all(store, "P", shared, visibility="client")
    findings = check(store, "P", audience="client", lang="en")
    # the team's R (Li Lei, internal) is not on the client's page: no R there
    assert "Li Lei" not in " ".join(f.message for f in findings)
    assert ("error", "no_responsible") in codes(findings)
    assert read_matrix(store, "P", audience="client").client == CLIENT


def test_findings_show_as_an_escaped_list(store, p):
    store.update("milestones", 2, name="<b>蓝图</b>")
    html = check(store, "P", lang="en")._repr_html_()
    assert "&lt;b&gt;蓝图&lt;/b&gt;" in html and "<b>蓝图" not in html
    assert "Problems: 6 · to check: 4" in html and html.count("<li") == 10
    _fill_after_rename(store)
    assert "one Accountable and at least one Responsible" in check(store, "P")._repr_html_()


def _fill_after_rename(store: Store) -> None:
    assign_all(store, "P", {(2, 1): "A", (2, 2): "R"})
    assign_all(store, "P", {("培训手册", "王芳"): "A/R", ("培训手册", "赵敏"): "I"})
    assign_all(store, "P", {("上线", "张伟"): "A", ("上线", "Li Lei"): "R"})


@pytest.mark.parametrize(
    "organisation, client, same",
    [
        ("华辰", CLIENT, True),
        ("上海华辰智能制造有限公司", CLIENT, True),
        ("上海华辰智能制造", "上海华辰智能制造股份有限公司", True),
        ("Harbourside Group Inc.", "Harbourside Logistics Ltd", True),
        ("HARBOURSIDE LOGISTICS", "Harbourside Logistics Ltd", True),
        ("Nimbus Consulting", CLIENT, False),
        ("华辰欧洲有限公司", CLIENT, False),  # a sister company is not the client
        ("", CLIENT, False),
        ("有限公司", CLIENT, False),  # nothing left once the legal form is off
        ("Ltd", "Harbourside Logistics Ltd", False),
    ],
)
def test_client_side(organisation, client, same):
    assert client_side(organisation, client) is same


# --- raci.csv -----------------------------------------------------------------------------


def test_export_writes_raci_csv_and_import_reads_it_back(store, p, tmp_path):
    _fill(store)
    store.add(Assignment(project_id=p.id, milestone=4, stakeholder=1, role="R"))  # cancelled
    export_csv(store, tmp_path / "dump")
    with (tmp_path / "dump" / "raci.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {"milestone", "stakeholder", "role"} <= set(rows[0])
    assert len(rows) == 9
    assert {"milestone": "3", "stakeholder": "3", "role": "A"}.items() <= rows[2].items()
    other = Store(tmp_path / "other.db")
    assert import_csv(other, tmp_path / "dump")["raci"] == 9
    assert raci_frame(other, "P").equals(raci_frame(store, "P"))
    assert check(other, "P") == check(store, "P") == []


def test_the_cli_exports_raci_csv(store, p, tmp_path):
    _fill(store)
    result = CliRunner().invoke(cli, ["--db", store.url, "export-csv", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "raci.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].endswith("milestone,stakeholder,role")
    assert len(text.splitlines()) == 1 + 8


def test_reading_and_writing_the_matrix_imports_no_chart_or_widget_library():
    code = (
        "import sys, commlib.raci as r; r.assign, r.check, r.raci_frame; "
        "print('altair' in sys.modules, 'ipywidgets' in sys.modules)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == ["False", "False"]
