"""The kickoff (``kickoff.ipynb``): the client's expectations survey, made once from its
template, and what the kickoff report shows of it (the aggregate, never one person's answers);
who does what (the RACI matrix of :mod:`commlib.raci`): its table, its findings, its chart.

All read the store, which they take first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..frames import missing
from ..i18n import language, t
from ._common import frame_of

if TYPE_CHECKING:
    import altair as alt

    from ..models import Project, Survey
    from ..raci import Findings
    from ..store import Store

__all__ = [
    "MIN_RESPONDENTS",
    "Expectations",
    "expectations_summary",
    "kickoff_raci_chart",
    "kickoff_raci_findings",
    "kickoff_raci_table",
    "kickoff_survey",
]


def kickoff_survey(
    store: Store,
    project: str | int | Project,
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
    from ..surveys import create_survey

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

        from ..display import to_html

        note = f'<p class="commlib-note">{html.escape(self.note)}</p>' if self.note else ""
        if note and self.table.empty:  # the note says it: one sentence, no empty table
            return note
        return note + to_html(self.table, self.lang)


def expectations_summary(
    store: Store,
    project: str | int | Project,
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
    from ..i18n import get_language, normalise
    from ..surveys import codebook, responses_frame

    code = normalise(lang) if lang else get_language()
    found = store.project(project)
    survey = next((s for s in store.records("surveys", found.id) if s.template == template), None)
    empty = frame_of([], _EXPECTATION_COLUMNS)
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
            return Expectations(
                survey.name, n, frame_of(rows, _EXPECTATION_COLUMNS[:2]), note, code
            )
        rows = [row for q in book.itertuples() for row in _aggregate(frame, book, q)]
        note = t("review.expectations.respondents", n=n)
        return Expectations(survey.name, n, frame_of(rows, _EXPECTATION_COLUMNS), note, code)


def _answered(frame: pd.DataFrame, code: str, kind: str) -> int:
    if code not in frame:
        return 0
    values = frame[code].tolist()
    if kind == "text":
        return sum(1 for v in values if isinstance(v, str) and v.strip())
    if kind == "multi":
        return sum(1 for v in values if isinstance(v, list | tuple) and len(v) > 0)
    return sum(1 for v in values if not missing(v))


def _aggregate(frame: pd.DataFrame, book: pd.DataFrame, q: Any) -> list[dict[str, Any]]:
    """The rows of one question (see :class:`Expectations`)."""
    from ..surveys.analysis import choices, keywords, likert, multi_select

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


# --- who does what (RACI) -----------------------------------------------------------------


def kickoff_raci_table(
    store: Store, project: str | int | Project, *, audience: str = "internal"
) -> pd.DataFrame | None:
    """The RACI matrix as the kickoff report shows it: a row per milestone or deliverable
    (``milestone_name``, its ``type``), a column per stakeholder
    (:func:`commlib.raci.raci_frame`). ``None`` while no role the audience may see is
    assigned: the report then leaves the section out."""
    from ..raci import read_matrix

    matrix = read_matrix(store, project, audience=audience)
    if not matrix.roles:
        return None
    frame = matrix.frame().reset_index()
    frame.insert(1, "type", [m.type for m in matrix.milestones])
    return frame


def kickoff_raci_findings(
    store: Store,
    project: str | int | Project,
    *,
    audience: str = "internal",
    lang: str | None = None,
) -> Findings | None:
    """What the check finds in the matrix the audience sees (:func:`commlib.raci.check`);
    ``None`` while no role the audience may see is assigned."""
    from ..raci import check_matrix, read_matrix

    matrix = read_matrix(store, project, audience=audience)
    return check_matrix(matrix, lang=lang) if matrix.roles else None


def kickoff_raci_chart(
    store: Store,
    project: str | int | Project,
    *,
    audience: str = "internal",
    lang: str | None = None,
) -> alt.LayerChart | None:
    """The matrix as a grid of letters (:func:`commlib.raci.raci_chart`); ``None`` while no
    role the audience may see is assigned."""
    from ..raci import raci_chart, read_matrix

    matrix = read_matrix(store, project, audience=audience)
    return raci_chart(matrix.cells(), lang=lang) if matrix.roles else None
