"""Session reviews: what changed since the last review, goals against outcome, lessons.

Pure functions over the store's frames (``store.frame(kind, project, audience=...)`` and
``store.history(project, audience=...)``), for the kickoff, status-review and retrospective
notebooks. A period runs from the start of ``since`` to the end of ``until`` (days, UTC).

    >>> changes = changes_since(history, risks, milestones, change_requests, stakeholders,
    ...                         since=date(2026, 3, 17), until=date(2026, 3, 31))
    >>> changes.slips              # raw frames, for code and tests
    >>> changes.summary(lang="zh") # one labelled table, for a session

The few helpers that read the store (``survey_pulse``, ``satisfaction_trend``,
``kickoff_survey``, ``expectations_summary``, ``save_lessons``) take it as their first
argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import altair as alt
import pandas as pd

from .i18n import enum_label, language, t
from .models import ENUMS, Lesson, Project, Survey
from .risks import top_movers
from .risks.scoring import DEFAULT_MATRIX, level_label

#: how engaged a stakeholder is, lowest first
_ENGAGEMENT = ENUMS["engagement"]


def _frame(rows: Iterable[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns)


def _start(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, time.min, UTC))


def _end(day: date) -> pd.Timestamp:
    return _start(day + timedelta(days=1))


def _moments(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True, errors="coerce")


def _changes_of(
    history: pd.DataFrame | None, kind: str, field: str, since: date, until: date
) -> pd.DataFrame:
    """History rows of one field of one kind within the period, oldest first."""
    if history is None or history.empty:
        return pd.DataFrame(columns=["record_id", "old", "new", "changed_at"])
    at = _moments(history["changed_at"])
    keep = (
        (history["record_kind"] == kind)
        & (history["field"] == field)
        & (at >= _start(since))
        & (at < _end(until))
    )
    return history[keep].assign(changed_at=at[keep]).sort_values("changed_at", kind="stable")


def _first_and_last(changes: pd.DataFrame) -> dict[int, tuple[Any, Any, pd.Timestamp]]:
    """``record_id -> (old before the period's first change, new after its last, when)``."""
    found = {}
    for rid, group in changes.groupby("record_id", sort=False):
        found[int(rid)] = (
            group["old"].iloc[0],
            group["new"].iloc[-1],
            group["changed_at"].iloc[-1],
        )
    return found


def _direction(direction: str) -> str:
    return t("review.direction.up") if direction == "up" else t("review.direction.down")


def _day(value: Any) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


# --- what changed -----------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """What changed in a period; each frame is empty (with its columns) when nothing did.

    - ``new_risks``: ``id, title, created_on, score, level`` (raised in the period; score and
      level as the risk stands now);
    - ``closed_risks``: ``id, title, from_status, status, on`` (status set to closed or
      occurred in the period);
    - ``escalated_risks``: ``id, title, from_score, to_score, from_level, to_level, change``
      (risks that existed before the period whose score went up);
    - ``slips``: ``id, name, from_due, to_due, days`` (current due date moved later);
    - ``decisions``: ``id, title, decision, decided_on, decided_by, schedule_impact_days``;
    - ``engagement``: ``id, name, from_engagement, to_engagement, direction`` (up or down).
    """

    since: date
    until: date
    new_risks: pd.DataFrame
    closed_risks: pd.DataFrame
    escalated_risks: pd.DataFrame
    slips: pd.DataFrame
    decisions: pd.DataFrame
    engagement: pd.DataFrame

    def summary(self, lang: str | None = None) -> pd.DataFrame:
        """One row per change, labelled in ``lang``: what, item, from, to, change."""
        with language(lang):
            rows = [
                *(
                    (t("review.change.new_risk"), r.title, "", level_label(r.level), r.score)
                    for r in self.new_risks.itertuples()
                ),
                *(
                    (
                        t("review.change.closed_risk"),
                        r.title,
                        enum_label("risk_status", r.from_status),
                        enum_label("risk_status", r.status),
                        "",
                    )
                    for r in self.closed_risks.itertuples()
                ),
                *(
                    (
                        t("review.change.escalated_risk"),
                        r.title,
                        f"{r.from_score} {level_label(r.from_level)}",
                        f"{r.to_score} {level_label(r.to_level)}",
                        f"+{r.change}",
                    )
                    for r in self.escalated_risks.itertuples()
                ),
                *(
                    (
                        t("review.change.slip"),
                        r.name,
                        str(r.from_due),
                        str(r.to_due),
                        t("review.days", days=r.days),
                    )
                    for r in self.slips.itertuples()
                ),
                *(
                    (
                        t("review.change.decision"),
                        r.title,
                        "",
                        enum_label("decision", r.decision),
                        str(r.decided_on or ""),
                    )
                    for r in self.decisions.itertuples()
                ),
                *(
                    (
                        t("review.change.engagement"),
                        r.name,
                        enum_label("engagement", r.from_engagement),
                        enum_label("engagement", r.to_engagement),
                        _direction(r.direction),
                    )
                    for r in self.engagement.itertuples()
                ),
            ]
            columns = [
                t("review.column.what"),
                t("review.column.item"),
                t("review.column.from"),
                t("review.column.to"),
                t("review.column.change"),
            ]
            return pd.DataFrame(rows, columns=columns).astype(str)


def changes_since(
    history: pd.DataFrame | None,
    risks: pd.DataFrame,
    milestones: pd.DataFrame,
    change_requests: pd.DataFrame,
    stakeholders: pd.DataFrame,
    *,
    since: date,
    until: date,
) -> Changes:
    """What changed from the start of ``since`` to the end of ``until`` (see ``Changes``)."""
    return Changes(
        since=since,
        until=until,
        new_risks=_new_risks(risks, since, until),
        closed_risks=_closed_risks(history, risks, since, until),
        escalated_risks=_escalated(history, risks, since, until),
        slips=_slips(history, milestones, since, until),
        decisions=_decisions(change_requests, since, until),
        engagement=_engagement(history, stakeholders, since, until),
    )


def _new_risks(risks: pd.DataFrame, since: date, until: date) -> pd.DataFrame:
    columns = ["id", "title", "created_on", "score", "level"]
    if risks.empty:
        return _frame([], columns)
    at = _moments(risks["created_at"])
    new = risks[(at >= _start(since)) & (at < _end(until))]
    rows = [
        {
            "id": int(r.id),
            "title": r.title,
            "created_on": _day(r.created_at),
            "score": int(r.probability) * int(r.impact),
            "level": DEFAULT_MATRIX.level(int(r.probability), int(r.impact)),
        }
        for r in new.itertuples()
    ]
    return _frame(rows, columns)


def _closed_risks(
    history: pd.DataFrame | None, risks: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    columns = ["id", "title", "from_status", "status", "on"]
    titles = dict(zip(risks["id"].astype(int), risks["title"], strict=True))
    ends = _first_and_last(_changes_of(history, "risks", "status", since, until))
    rows = [
        {"id": rid, "title": titles[rid], "from_status": old, "status": new, "on": at.date()}
        for rid, (old, new, at) in ends.items()
        if rid in titles and new in ("closed", "occurred") and old != new
    ]
    return _frame(rows, columns)


def _escalated(
    history: pd.DataFrame | None, risks: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    columns = ["id", "title", "from_score", "to_score", "from_level", "to_level", "change"]
    if risks.empty:
        return _frame([], columns)
    moved = top_movers(risks, history, since=since, until=until, n=None)
    moved = moved[(moved["change"] > 0) & ~moved["new"]]
    return moved[columns].reset_index(drop=True)


def _slips(
    history: pd.DataFrame | None, milestones: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    columns = ["id", "name", "from_due", "to_due", "days"]
    names = dict(zip(milestones["id"].astype(int), milestones["name"], strict=True))
    rows = []
    for rid, (old, new, _at) in _first_and_last(
        _changes_of(history, "milestones", "current_due", since, until)
    ).items():
        before, after = _day(old), _day(new)
        if rid in names and before and after and after > before:
            rows.append(
                {
                    "id": rid,
                    "name": names[rid],
                    "from_due": before,
                    "to_due": after,
                    "days": (after - before).days,
                }
            )
    rows.sort(key=lambda r: (-r["days"], r["id"]))
    return _frame(rows, columns)


def _decisions(change_requests: pd.DataFrame, since: date, until: date) -> pd.DataFrame:
    columns = ["id", "title", "decision", "decided_on", "decided_by", "schedule_impact_days"]
    rows = []
    for r in change_requests.itertuples():
        on = _day(r.decided_on)
        if r.decision != "pending" and on is not None and since <= on <= until:
            rows.append(
                {
                    "id": int(r.id),
                    "title": r.title,
                    "decision": r.decision,
                    "decided_on": on,
                    "decided_by": r.decided_by,
                    "schedule_impact_days": int(r.schedule_impact_days),
                }
            )
    rows.sort(key=lambda r: (r["decided_on"], r["id"]))
    return _frame(rows, columns)


def _engagement(
    history: pd.DataFrame | None, stakeholders: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    columns = ["id", "name", "from_engagement", "to_engagement", "direction"]
    names = dict(zip(stakeholders["id"].astype(int), stakeholders["name"], strict=True))
    rows = []
    for rid, (old, new, _at) in _first_and_last(
        _changes_of(history, "stakeholders", "engagement_current", since, until)
    ).items():
        if rid in names and old in _ENGAGEMENT and new in _ENGAGEMENT and old != new:
            up = _ENGAGEMENT.index(new) > _ENGAGEMENT.index(old)
            rows.append(
                {
                    "id": rid,
                    "name": names[rid],
                    "from_engagement": old,
                    "to_engagement": new,
                    "direction": "up" if up else "down",
                }
            )
    return _frame(rows, columns)


# --- the period's contacts and next steps -------------------------------------------------


def period_contacts(contacts: pd.DataFrame, *, since: date, until: date) -> pd.DataFrame:
    """The contacts whose ``when`` falls in the period (same columns)."""
    if contacts.empty:
        return contacts
    at = _moments(contacts["when"])
    return contacts[(at >= _start(since)) & (at < _end(until))].reset_index(drop=True)


def next_steps(
    follow_ups: pd.DataFrame, *, today: date | None = None, lang: str | None = None
) -> pd.DataFrame:
    """Open follow-ups still ahead, soonest due first (no due date last), labelled in
    ``lang``. With ``today``, the ones due before it are left out: they are overdue, and
    ``commlib.contacts.overdue_follow_ups`` lists them."""
    fields = ["title", "owner", "due"]
    with language(lang):
        labels = [t("review.column.title"), t("review.column.owner"), t("review.column.due")]
        if follow_ups.empty:
            return pd.DataFrame(columns=labels)
        open_ = follow_ups[follow_ups["status"] == "open"]
        due = pd.to_datetime(open_["due"], errors="coerce")
        if today is not None:
            ahead = due.isna() | (due >= pd.Timestamp(today))
            open_, due = open_[ahead], due[ahead]
        open_ = open_.assign(_due=due).sort_values(["_due", "id"], na_position="last")
        return open_[fields].set_axis(labels, axis=1).reset_index(drop=True)


# --- schedule -----------------------------------------------------------------------------


def schedule_outlook(
    store: Any, project: Any, *, today: date, audience: str = "internal", seed: int = 0
) -> pd.DataFrame:
    """The schedule forecast (``commlib.schedule.forecast``) of the milestones ``audience`` sees.

    The simulation runs over every milestone and risk of the project, since a milestone the
    client does not see can still hold up one they do; only the rows are filtered.
    """
    from .schedule import forecast

    found = store.project(project)
    outlook = forecast(
        store.frame("milestones", found),
        store.frame("risks", found),
        start=found.start,
        today=today,
        seed=seed,
    )
    shown = store.frame("milestones", found, audience=audience)
    outlook = outlook[outlook["id"].isin(shown["id"].astype(int))].reset_index(drop=True)
    return outlook.assign(
        **_acceptance(outlook, shown, store.frame("stakeholders", found, audience=audience))
    )


def _acceptance(
    outlook: pd.DataFrame, milestones: pd.DataFrame, stakeholders: pd.DataFrame
) -> dict[str, list[Any]]:
    """``accepted_by_name`` and ``accepted_on`` of each row of ``outlook``: the names of the
    stakeholders the audience sees (an acceptance by someone else keeps its date only)."""
    names = (
        dict(zip(stakeholders["id"].astype(int), stakeholders["name"], strict=True))
        if len(stakeholders)
        else {}
    )
    by_id = {int(r["id"]): r for _, r in milestones.iterrows()}
    who, when = [], []
    for rid in outlook["id"].astype(int):
        row = by_id.get(rid)
        accepted_by = None if row is None else row.get("accepted_by")
        ref = None if accepted_by is None or pd.isna(accepted_by) else int(accepted_by)
        who.append(names.get(ref) if ref is not None else None)
        when.append(_day(row.get("accepted_on")) if row is not None else None)
    return {"accepted_by_name": who, "accepted_on": when}


# --- surveys ------------------------------------------------------------------------------


def _latest_surveys(store: Any, project: Any, audience: str) -> list[Survey]:
    """The latest wave of each survey of the project the audience may see."""
    from .surveys import waves

    visible = set(store.frame("surveys", project, audience=audience)["id"].astype(int))
    table = waves(store, project)
    table = table[table["survey_id"].isin(visible)]
    latest = table.groupby("name", sort=False).tail(1)
    return [store.get("surveys", int(i)) for i in latest["survey_id"]]


def survey_pulse(
    store: Any, project: Any, *, audience: str = "internal", lang: str | None = None
) -> pd.DataFrame:
    """The latest wave of each survey: responses, NPS and CSAT (top-2-box share, in %).

    A survey without an NPS (or a scored) question shows no NPS (or CSAT); a project without
    surveys gives an empty table.
    """
    from .surveys import codebook, csat, nps, responses_frame

    rows = []
    for survey in _latest_surveys(store, project, audience):
        frame = responses_frame(store, [survey])
        book = codebook(store, [survey])
        types = dict(zip(book["code"], book["type"], strict=True)) if len(book) else {}
        score = rate = None
        if len(frame):
            nps_codes = [c for c, kind in types.items() if kind == "nps" and c in frame]
            scored = [c for c, kind in types.items() if kind in ("likert", "rating") and c in frame]
            if nps_codes:
                score = round(float(nps(frame, book, nps_codes[0])["nps"].iloc[0]), 1)
            if scored:
                rate = round(100 * float(csat(frame, book, scored[0])["share"].iloc[0]), 1)
        rows.append((survey.name, survey.wave, len(frame), score, rate))
    with language(lang):
        columns = [
            t("review.column.survey"),
            t("review.column.wave"),
            t("review.column.responses"),
            t("review.column.nps"),
            t("review.column.csat"),
        ]
    return pd.DataFrame(rows, columns=columns)


def satisfaction_trend(
    store: Any, project: Any, *, audience: str = "internal", lang: str | None = None
) -> alt.LayerChart | None:
    """NPS across the waves of the first survey that has an NPS question (``None``: none)."""
    from .surveys import codebook, responses_frame, trend_chart

    shared = store.frame("surveys", project, audience=audience)
    for survey in _latest_surveys(store, project, audience):
        waves = shared.loc[shared["name"] == survey.name, "id"].astype(int).tolist()
        frame = responses_frame(store, waves)
        book = codebook(store, waves)
        codes = [c for c in book.loc[book["type"] == "nps", "code"] if c in frame]
        if codes and len(frame):
            return trend_chart(frame, book, codes[0], lang=lang)
    return None


def kickoff_survey(
    store: Any,
    project: Any,
    *,
    wave: str = "W1",
    lang: str | None = None,
    template: str = "kickoff_expectations",
    visibility: str = "client",
) -> Survey:
    """The project's survey made from ``template``; created (wave ``wave``) if there is none.

    Running the cell again returns the same survey instead of making another. It is made
    ``visibility="client"``: the client answers it in the session, and the client's kickoff
    report shows them the aggregate of their answers (see :func:`expectations_summary`).
    """
    from .surveys import create_survey

    found = store.project(project)
    for survey in store.records("surveys", found.id):
        if survey.template == template:
            return survey  # type: ignore[return-value]
    return create_survey(store, found, template, wave=wave, lang=lang, visibility=visibility)


#: fewer respondents than this and only how many answered is shown
MIN_RESPONDENTS = 3
#: keywords of an open question shown: the most used, each used by at least two people
_TOP_KEYWORDS = 5
_EXPECTATION_COLUMNS = ["question", "answered", "item", "count", "share", "mean"]


@dataclass(frozen=True)
class Expectations:
    """What the kickoff report shows of the expectations survey: the aggregate only.

    ``table`` has one row per option of a choice or multi-select question (how many chose
    it and their share of those who answered), per point of a scale (and a row with the
    mean), and per keyword of an open question (used by two people or more; the answers
    themselves never appear). Columns: ``question, answered, item, count, share, mean``,
    labelled by :mod:`commlib.display`. With fewer than :data:`MIN_RESPONDENTS`
    respondents it only says how many answered each question (``question, answered``).
    ``respondents`` is ``None`` when the audience may not see the survey (or there is none);
    ``note`` says why.
    """

    survey: str | None
    respondents: int | None
    table: pd.DataFrame
    note: str
    lang: str

    def _repr_html_(self) -> str:
        import html

        from .display import to_html

        note = f'<p class="commlib-note">{html.escape(self.note)}</p>' if self.note else ""
        if note and self.table.empty:  # the note says it: one sentence, no empty table
            return note
        return note + to_html(self.table, self.lang)


def expectations_summary(
    store: Any,
    project: Any,
    *,
    audience: str = "internal",
    lang: str | None = None,
    template: str = "kickoff_expectations",
) -> Expectations:
    """The kickoff expectations survey (:func:`kickoff_survey`) as the report shows it.

    For ``audience="client"`` only a survey shared with the client (``visibility="client"``,
    the default of :func:`kickoff_survey`), and only its shared responses, as for every
    survey (``surveys.waves``). Never one person's answers: no verbatim text, and nothing
    but the number who answered below :data:`MIN_RESPONDENTS` respondents.
    """
    from .i18n import get_language, normalise
    from .surveys import codebook, responses_frame

    code = normalise(lang) if lang else get_language()
    found = store.project(project)
    survey = next((s for s in store.records("surveys", found.id) if s.template == template), None)
    empty = _frame([], _EXPECTATION_COLUMNS)
    with language(code):
        if survey is None:
            return Expectations(None, None, empty, t("review.expectations.none"), code)
        if audience == "client" and survey.visibility != "client":
            return Expectations(None, None, empty, t("review.expectations.not_shared"), code)
        frame = responses_frame(store, [survey.id])
        if audience == "client" and len(frame):
            shared = store.frame("responses", found, audience="client")["id"].astype(int)
            frame = frame[frame["response_id"].isin(set(shared))].reset_index(drop=True)
        book = codebook(store, [survey.id])
        n = len(frame)
        if n < MIN_RESPONDENTS:
            rows = [
                {"question": q.text, "answered": _answered(frame, q.code, q.type)}
                for q in book.itertuples()
                if q.type != "matrix"
            ]
            note = t("review.expectations.too_few", n=n, min=MIN_RESPONDENTS)
            return Expectations(survey.name, n, _frame(rows, _EXPECTATION_COLUMNS[:2]), note, code)
        rows = [row for q in book.itertuples() for row in _aggregate(frame, book, q)]
        note = t("review.expectations.respondents", n=n)
        return Expectations(survey.name, n, _frame(rows, _EXPECTATION_COLUMNS), note, code)


def _answered(frame: pd.DataFrame, code: str, kind: str) -> int:
    if code not in frame:
        return 0
    values = frame[code].tolist()
    if kind == "text":
        return sum(1 for v in values if isinstance(v, str) and v.strip())
    if kind == "multi":
        return sum(1 for v in values if isinstance(v, list | tuple) and len(v) > 0)
    return sum(1 for v in values if not _missing(v))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _aggregate(frame: pd.DataFrame, book: pd.DataFrame, q: Any) -> list[dict[str, Any]]:
    """The rows of one question (see :class:`Expectations`)."""
    from .surveys.analysis import choices, keywords, likert, multi_select

    if q.code not in frame or q.type == "matrix":
        return []
    head = {"question": q.text, "answered": _answered(frame, q.code, q.type)}
    if not head["answered"]:
        return [head]
    if q.type in ("single", "multi"):
        table = (choices if q.type == "single" else multi_select)(frame, book, q.code)
        return [
            {**head, "item": r["option"], "count": r["count"], "share": r["share"]}
            for r in table.to_dict("records")
        ]
    if q.type == "text":
        words = keywords(frame, book, q.code, top=None)
        words = words[words["responses"] >= 2].head(_TOP_KEYWORDS)
        found = [
            {
                **head,
                "item": t("review.expectations.keyword", word=r["keyword"]),
                "count": r["responses"],
                "share": r["share"],
            }
            for r in words.to_dict("records")
        ]
        return found or [head]
    if q.type == "likert":
        table = likert(frame, book, q.code)
        points = [(r["option"], r["count"], r["share"]) for r in table.to_dict("records")]
        mean = float(table["mean"].iloc[0]) if len(table) else None
    else:  # rating, nps: the points answered
        values = pd.to_numeric(frame[q.code], errors="coerce").dropna()
        counts = values.value_counts().sort_index()
        points = [(f"{v:g}", int(c), c / len(values)) for v, c in counts.items()]
        mean = float(values.mean()) if len(values) else None
    rows = [{**head, "item": item, "count": c, "share": share} for item, c, share in points]
    return [*rows, {**head, "item": t("review.expectations.mean"), "mean": mean}]


# --- retrospective ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """``goals``: each goal with an empty status for the team to fill; ``delivered``: the
    milestones and deliverables that are done; ``open``: those that are not (cancelled
    ones are left out). Columns are labelled in the language asked for."""

    goals: pd.DataFrame
    delivered: pd.DataFrame
    open: pd.DataFrame


def goals_vs_outcome(
    project: Project, milestones: pd.DataFrame, *, lang: str | None = None
) -> Outcome:
    """The project's goals next to what was delivered (see ``Outcome``).

    Whether a goal was met is the team's judgement: the ``status`` column is left empty.
    """
    with language(lang):
        goal_labels = [
            t("review.column.position"),
            t("review.column.goal"),
            t("review.column.status"),
        ]
        goals = pd.DataFrame(
            [(n, goal, "") for n, goal in enumerate(project.goals, start=1)], columns=goal_labels
        )
        labels = [
            t("review.column.name"),
            t("review.column.type"),
            t("review.column.baseline_due"),
            t("review.column.current_due"),
            t("review.column.slip_days"),
            t("review.column.status"),
        ]

        def table(rows: pd.DataFrame) -> pd.DataFrame:
            out = []
            for r in rows.itertuples():
                base, current = _day(r.baseline_due), _day(r.current_due)
                slip = (current - base).days if base and current else None
                out.append(
                    (
                        r.name,
                        enum_label("milestone_kind", r.type),
                        base,
                        current,
                        slip,
                        enum_label("milestone_status", r.status),
                    )
                )
            return pd.DataFrame(out, columns=labels)

        if milestones.empty:
            return Outcome(goals, table(milestones), table(milestones))
        ordered = milestones.sort_values(["current_due", "id"])
        done = ordered[ordered["status"] == "done"]
        pending = ordered[~ordered["status"].isin(["done", "cancelled"])]
        return Outcome(goals, table(done), table(pending))


def occurred_risks(risks: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The risks that occurred: title, category, owner, score, cost and schedule impact."""
    fields = ["title", "category", "owner", "cost_impact", "schedule_impact_days"]
    with language(lang):
        labels = [
            t("review.column.title"),
            t("review.column.category"),
            t("review.column.owner"),
            t("review.column.score"),
            t("review.column.cost_impact"),
            t("review.column.schedule_impact_days"),
        ]
    if risks.empty:
        return pd.DataFrame(columns=labels)
    hit = risks[risks["status"] == "occurred"]
    table = hit[fields].assign(score=hit["probability"].astype(int) * hit["impact"].astype(int))
    return (
        table[[*fields[:3], "score", *fields[3:]]].set_axis(labels, axis=1).reset_index(drop=True)
    )


def lessons_table(lessons: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Stored lessons, newest first: recorded on, category, title, what happened, advice."""
    fields = ["recorded_on", "category", "title", "what_happened", "recommendation"]
    with language(lang):
        labels = [
            t("review.column.recorded_on"),
            t("review.column.category"),
            t("review.column.title"),
            t("review.column.what_happened"),
            t("review.column.recommendation"),
        ]
    if lessons.empty:
        return pd.DataFrame(columns=labels)
    ordered = lessons.sort_values(["recorded_on", "id"], ascending=[False, True])
    return ordered[fields].set_axis(labels, axis=1).reset_index(drop=True)


def save_lessons(
    store: Any,
    project: Any,
    rows: Iterable[Mapping[str, Any]] | pd.DataFrame,
    *,
    today: date | None = None,
) -> list[Lesson]:
    """Store lessons learned in one transaction: all of them, or none if one is invalid.

    Each row has ``title`` and optionally ``category``, ``what_happened``,
    ``recommendation``, ``recorded_on`` (default ``today``, else the current date) and
    ``visibility``.
    """
    found = store.project(project)
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    day = today or date.today()
    lessons = [Lesson(project_id=found.id, **{"recorded_on": day, **_given(row)}) for row in rows]
    return store.add_all(lessons)


def _given(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values, without the blanks a DataFrame fills in (NaN, None)."""
    return {k: v for k, v in row.items() if not (v is None or (isinstance(v, float) and v != v))}
