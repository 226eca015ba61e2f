"""The portfolio: one row per active project, its columns on a small fixture, one client's
projects, sorting and filtering, and the report (``commlib report portfolio``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import commlib.portfolio as portfolio_module
from commlib import (
    Contact,
    FollowUp,
    InvalidRecord,
    Milestone,
    NotFound,
    NothingToShow,
    Project,
    Question,
    Response,
    Risk,
    Stakeholder,
    StatusOverride,
    Store,
    Survey,
)
from commlib.cli import cli
from commlib.portfolio import arrange, client_key, client_projects, is_active, portfolio
from commlib.summary import status_summary

TODAY = date(2026, 4, 20)
LIKERT = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]


def _at(day: int, month: int = 4) -> datetime:
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


def _survey(store: Store, project: Project, wave: str, opened: date, kind: str, answers: list):
    survey = store.add(
        Survey(project_id=project.id, name="Pulse", wave=wave, opened_on=opened,
               visibility="client")
    )  # fmt: skip
    options = LIKERT if kind == "likert" else [str(i) for i in range(11)]
    store.add(
        Question(project_id=project.id, survey_id=survey.id, code="Q1", type=kind,
                 text="How do we do?", options=options, position=1)
    )  # fmt: skip
    for n, answer in enumerate(answers):
        store.add(
            Response(project_id=project.id, survey_id=survey.id, respondent=f"{wave}-{n}",
                     answers={"Q1": answer}, visibility="client")
        )  # fmt: skip


def _alpha(store: Store) -> Project:
    """Acme's first project, with one record of every case each column must tell apart."""
    p = store.add(
        Project(name="Alpha ERP", client="Acme Ltd", start=date(2026, 1, 5), language="en",
                team=["nimbus.com"], visibility="client")
    )  # fmt: skip
    ann, tom, vic = store.add_all(
        [
            Stakeholder(project_id=p.id, name="Ann", organisation="Acme", email="ann@acme.com",
                        visibility="client"),
            Stakeholder(project_id=p.id, name="Tom", email="tom@nimbus.com", visibility="client"),
            Stakeholder(project_id=p.id, name="Vic", organisation="VendorCo",
                        email="vic@vendor.example", visibility="client"),
        ]
    )  # fmt: skip
    store.add_all(
        [  # the client's last contact is on the 10th: the team's and the vendor's are later,
            # and the meeting on the 25th is still to come
            Contact(project_id=p.id, when=_at(10), stakeholder_ids=[ann.id], direction="inbound",
                    channel="email", visibility="client"),
            Contact(project_id=p.id, when=_at(18), stakeholder_ids=[tom.id], visibility="client"),
            Contact(project_id=p.id, when=_at(19), stakeholder_ids=[vic.id], visibility="client"),
            Contact(project_id=p.id, when=_at(25), stakeholder_ids=[ann.id], visibility="client"),
            Contact(project_id=p.id, when=_at(12), stakeholder_ids=[ann.id]),  # internal
        ]
    )  # fmt: skip
    store.add_all(
        [
            FollowUp(project_id=p.id, title="Send plan", due=date(2026, 4, 15),
                     visibility="client"),
            FollowUp(project_id=p.id, title="Due today", due=TODAY, visibility="client"),
            FollowUp(project_id=p.id, title="Done", due=date(2026, 4, 1), status="done",
                     done_on=date(2026, 4, 1), visibility="client"),
            FollowUp(project_id=p.id, title="Ours, late", due=date(2026, 4, 1)),  # internal
        ]
    )  # fmt: skip
    store.add_all(
        [
            Risk(project_id=p.id, title="Key user leaves", probability=4, impact=4,
                 visibility="client"),  # 16: high
            Risk(project_id=p.id, title="Vendor fails", probability=5, impact=4,
                 status="mitigating", visibility="client"),  # 20: critical
            Risk(project_id=p.id, title="Closed", probability=5, impact=5, status="closed",
                 visibility="client"),
            Risk(project_id=p.id, title="Small", probability=2, impact=2, visibility="client"),
            Risk(project_id=p.id, title="Pricing", probability=5, impact=5),  # internal
        ]
    )  # fmt: skip
    store.add(  # the team's own word on the project, never the client's to read
        StatusOverride(project_id=p.id, area="overall", status="red", set_on=TODAY,
                       reason="INTERNAL-SENTINEL: the sponsor is leaving")
    )  # fmt: skip
    store.add_all(
        [
            Milestone(project_id=p.id, name="Design", baseline_due=date(2026, 3, 1),
                      current_due=date(2026, 3, 1), status="done", visibility="client"),
            Milestone(project_id=p.id, name="Go-live", baseline_due=date(2026, 5, 10),
                      current_due=date(2026, 5, 10), visibility="client"),
            Milestone(project_id=p.id, name="UAT", type="deliverable",
                      baseline_due=date(2026, 4, 24), current_due=date(2026, 4, 30),
                      status="in_progress", visibility="client"),
            Milestone(project_id=p.id, name="Dropped", baseline_due=date(2026, 4, 22),
                      current_due=date(2026, 4, 22), status="cancelled", visibility="client"),
        ]
    )  # fmt: skip
    # an NPS wave in March, then a CSAT pulse in April: the pulse is the last score
    _survey(store, p, "W1", date(2026, 3, 2), "nps", [10, 9, 9, 3])
    _survey(store, p, "W2", date(2026, 4, 14), "likert", [*LIKERT[2:], "Very satisfied"])
    # a wave opened after today does not count yet
    _survey(store, p, "W3", date(2026, 4, 28), "nps", [0, 0])
    return p


@pytest.fixture
def shop(store: Store) -> Store:
    """Acme's two projects (one internal), Other Corp's ended project and one ending today."""
    _alpha(store)
    beta = store.add(
        Project(
            name="Beta WMS", client="ＡＣＭＥ  ltd", start=date(2026, 2, 1), end=date(2026, 9, 1)
        )
    )
    _survey(store, beta, "W1", date(2026, 4, 1), "nps", [10, 10, 6])
    store.add_all(
        [
            Project(name="Gamma CRM", client="Other Corp", start=date(2025, 6, 1),
                    end=date(2026, 3, 31), visibility="client"),
            Project(name="Delta BI", client="Other Corp", start=date(2025, 9, 1), end=TODAY,
                    visibility="client"),
        ]
    )  # fmt: skip
    return store


def _rows(frame) -> dict[str, dict]:
    return {r["project"]: r for r in frame.to_dict("records")}


def test_one_row_per_active_project(shop: Store):
    frame = portfolio(shop, today=TODAY, lang="en")
    assert list(frame.columns) == list(portfolio_module.COLUMNS)
    # Gamma ended before today; Delta ends today and is still active
    assert sorted(frame["project"]) == ["Alpha ERP", "Beta WMS", "Delta BI"]
    assert is_active(shop.project("Delta BI"), TODAY)
    assert not is_active(shop.project("Gamma CRM"), TODAY)


def test_the_columns_on_a_small_fixture(shop: Store):
    rows = _rows(portfolio(shop, today=TODAY, lang="en"))
    alpha = rows["Alpha ERP"]
    assert alpha["client"] == "Acme Ltd"
    assert alpha["overdue_follow_ups"] == 2  # the 15th's and the team's own; not today's
    assert alpha["open_high_risks"] == 3  # high and critical, open or mitigating
    assert (alpha["next_milestone"], alpha["next_due"]) == ("UAT", date(2026, 4, 30))
    assert alpha["days_since_client_contact"] == 8  # the internal contact of the 12th
    # the last wave is the CSAT pulse (3 of 4 in the top two boxes): no NPS in it
    assert alpha["last_survey"] == "Pulse W2"
    assert alpha["csat_share"] == pytest.approx(0.75)
    assert pd.isna(alpha["nps"])
    beta = rows["Beta WMS"]
    assert (beta["last_survey"], beta["nps"]) == ("Pulse W1", 33)  # 2 promoters, 1 detractor
    assert pd.isna(beta["csat_share"])  # an NPS wave has no CSAT
    assert pd.isna(beta["next_milestone"]) and pd.isna(beta["days_since_client_contact"])
    assert (beta["overdue_follow_ups"], beta["open_high_risks"]) == (0, 0)


def test_the_status_is_the_status_summarys(shop: Store):
    shop.add(
        StatusOverride(project_id=shop.project("Beta WMS").id, area="overall", status="amber",
                       reason="Waiting on the client's budget", set_on=TODAY)
    )  # fmt: skip
    frame = portfolio(shop, today=TODAY, lang="en")
    for row in frame.to_dict("records"):
        summary = status_summary(shop, row["project"], since=TODAY, until=TODAY, today=TODAY)
        assert (row["status"], row["reason"]) == (summary.overall.status, summary.overall.reason)
    rows = _rows(frame)
    assert rows["Alpha ERP"]["status"] == "red" and rows["Alpha ERP"]["status_label"] == "Red"
    assert rows["Beta WMS"]["reason"] == "Waiting on the client's budget"
    assert _rows(portfolio(shop, today=TODAY, lang="zh"))["Alpha ERP"]["status_label"] == "红"


def test_a_client_is_its_projects_by_name_whatever_the_case_width_or_spaces(shop: Store):
    assert client_key("ＡＣＭＥ  ltd") == client_key("acme LTD") == "acmeltd"
    frame = portfolio(shop, today=TODAY, client=" acme  LTD ")
    assert list(frame["project"]) == ["Alpha ERP", "Beta WMS"]
    assert [p.name for p in client_projects(shop, "ACME LTD")] == ["Alpha ERP", "Beta WMS"]
    # one client over all its projects: the ended one too
    assert sorted(portfolio(shop, today=TODAY, client="Other Corp")["project"]) == [
        "Delta BI",
        "Gamma CRM",
    ]
    with pytest.raises(NotFound, match="Acme Ltd, Other Corp"):
        portfolio(shop, today=TODAY, client="Acme")


def test_a_client_sees_only_its_projects_and_what_is_shared(shop: Store):
    with pytest.raises(InvalidRecord, match="--client"):
        portfolio(shop, today=TODAY, audience="client")
    frame = portfolio(shop, today=TODAY, audience="client", client="acme ltd", lang="en")
    assert list(frame["project"]) == ["Alpha ERP"]  # Beta WMS is internal
    alpha = frame.iloc[0]
    assert alpha["overdue_follow_ups"] == 1  # not the team's own
    assert alpha["open_high_risks"] == 2  # not the internal one
    assert alpha["days_since_client_contact"] == 10  # not the internal contact
    assert "INTERNAL-SENTINEL" not in frame.to_string()
    assert "INTERNAL-SENTINEL" in portfolio(shop, today=TODAY, lang="en").to_string()
    shop.update("projects", shop.project("Alpha ERP").id, visibility="internal")
    with pytest.raises(NothingToShow):
        portfolio(shop, today=TODAY, audience="client", client="acme ltd")


def test_sorted_and_filtered(shop: Store):
    frame = portfolio(shop, today=TODAY, lang="en")
    statuses = list(frame["status"])
    order = portfolio_module.STATUS_ORDER
    assert statuses == sorted(statuses, key=order.index)  # worst first
    red = arrange(frame, status="red")
    assert set(red["status"]) == {"red"} and "Alpha ERP" in set(red["project"])
    assert list(arrange(frame, sort_by="project")["project"]) == [
        "Alpha ERP",
        "Beta WMS",
        "Delta BI",
    ]
    by_risks = arrange(frame, sort_by="open_high_risks")
    assert by_risks.iloc[0]["project"] == "Alpha ERP"
    by_due = arrange(frame, sort_by="next_due")
    assert by_due.iloc[0]["project"] == "Alpha ERP"  # the only dated one; blanks last
    silent = arrange(frame, sort_by="days_since_client_contact", status=["red", "amber", "green"])
    assert silent.iloc[0]["project"] == "Alpha ERP"
    with pytest.raises(InvalidRecord, match="sort_by"):
        arrange(frame, sort_by="colour")
    with pytest.raises(InvalidRecord, match="red, amber, green, none"):
        arrange(frame, status="purple")


def test_fast_enough_for_many_projects(tmp_path: Path):
    """Each kind is read once for all projects: the rows add only the status summary's work."""
    store = Store(tmp_path / "many.db")
    for i in range(12):
        store.add(Project(name=f"P{i}", client=f"C{i % 3}", start=date(2026, 1, 1)))
    calls = []
    frame = store.frame

    def counted(kind, project=None, audience="internal"):
        calls.append((kind, project))
        return frame(kind, project, audience)

    store.frame = counted  # type: ignore[method-assign]
    assert len(portfolio(store, today=TODAY)) == 12
    once = sorted(k for k, project in calls if project is None)
    assert once == sorted([*portfolio_module._KINDS, "stakeholders"])


# --- the report ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """The demo's two projects, and a third that ended before today."""
    from commlib.demo import build_demo

    path = tmp_path_factory.mktemp("portfolio") / "demo.db"
    store = Store(path)
    names = [p.name for p in build_demo(store, today=TODAY)]
    english = store.project(names[1])
    store.add(Project(name="Old ended project", client=english.client, start=date(2025, 1, 6),
                      end=date(2025, 12, 19), visibility="client"))  # fmt: skip
    store.add(StatusOverride(project_id=english.id, area="overall", status="red", set_on=TODAY,
                             reason="INTERNAL-SENTINEL: the bid price"))  # fmt: skip
    store.close()
    return str(path), names


def _report(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", db, "report", "portfolio", "--until", "2026-04-20",
                                      *args])  # fmt: skip
    return result.exit_code, result.output


def test_the_report_names_every_active_project(demo_db, tmp_path):
    db, names = demo_db
    code, output = _report(db, "--audience", "internal", "--lang", "en", "-o",
                           str(tmp_path / "p.html"))  # fmt: skip
    assert code == 0, output
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    for name in names:
        assert name in html
    assert "Old ended project" not in html
    assert "Portfolio — All active projects" in html and "As of" in html
    assert "Internal" in html  # the audience, in the title block


def test_the_client_report_shows_one_client_and_only_what_it_may_see(demo_db, tmp_path):
    db, names = demo_db
    store = Store(db)
    other, first = (store.project(n) for n in names)
    store.close()
    out = tmp_path / "c.html"
    code, output = _report(db, "--client", first.client.upper(), "--audience", "client",
                           "--lang", "zh", "-o", str(out))  # fmt: skip
    assert code == 0, output
    html = out.read_text(encoding="utf-8")
    assert first.name in html and "Old ended project" in html  # all of the client's projects
    assert f"项目组合 — {first.client}" in html  # as its projects spell it
    assert other.name not in html and other.client not in html
    assert "INTERNAL-SENTINEL" not in html
    internal = tmp_path / "i.html"
    assert _report(db, "--client", first.client, "-o", str(internal))[0] == 0
    assert "INTERNAL-SENTINEL" in internal.read_text(encoding="utf-8")  # in a status reason


def test_the_report_refuses_what_it_cannot_do(demo_db, tmp_path):
    db, names = demo_db
    out = str(tmp_path / "x.html")
    cases = [
        (["--audience", "client"], "--client"),  # a client never sees every client's projects
        (["--project", names[0]], "leave out --project"),
        (["--client", "Nobody Inc"], "Nobody Inc"),
        (["--format", "eml"], "html or pdf"),
    ]
    for args, needle in cases:
        code, output = _report(db, *args, "-o", out)
        assert code == 1 and needle in output, output
        assert len(output.strip().splitlines()) == 1 and "Traceback" not in output
    assert not Path(out).exists()
