"""The portfolio: every active project on one row, for whoever leads the specialists
(``notebooks/portfolio.ipynb``, ``commlib report portfolio``)::

    >>> frame = portfolio(store, today=date(2026, 4, 20), lang="zh")
    >>> arrange(frame, sort_by="days_since_client_contact", status=["red", "amber"])
    >>> portfolio(store, client="上海华辰智能制造有限公司")  # one client over all its projects

Which projects:

- **active** (no ``client``): ``Project.end`` is empty or on or after ``today`` (a project
  ending today is still active; one that ended yesterday is not);
- **one client** (``client``): every project of that client, the ended ones too (the
  account over time), as :func:`client_projects` finds them. For ``audience="client"`` a
  client is required (a client never sees another client's projects) and only its projects
  marked ``client`` are listed, each read as a client may see it.

The columns, one row per project (worst status first, then by name):

- ``project``, ``project_id``, ``client``, ``end``;
- ``status`` (``red``, ``amber``, ``green``, ``none``), ``status_label`` (in ``lang``) and
  ``reason``: the overall status of :func:`commlib.summary.status_summary` judged on
  ``today`` (the team's override included), the same rules as the status review;
- ``overdue_follow_ups``: open follow-ups due before ``today`` (all the audience may see, not
  only the client-visible ones the communication rule counts);
- ``open_high_risks``: risks ``open`` or ``mitigating`` whose level on the default matrix
  (:mod:`commlib.risks.scoring`) is ``high`` or above (``critical`` counts too);
- ``last_survey``, ``nps``, ``csat_share``: the latest survey wave with an answer by
  ``today`` (dated as :func:`commlib.surveys.waves` sorts them: opened, else its milestone's
  due date, else closed), its NPS (whole points) and its CSAT (top-2-box share of its first
  scored question), each computed as :func:`commlib.sessions.survey_pulse` does, blank
  when that wave has none;
- ``next_milestone``, ``next_due``: the open milestone or deliverable (``planned`` or
  ``in_progress``) with the earliest current due date, an overdue one included;
- ``days_since_client_contact``: calendar days (UTC) from the last contact, inbound or
  outbound, dated up to ``today``, with one of the client's stakeholders: a stakeholder who
  is not the team's (their e-mail is not under ``Project.team``) and whose organisation, if
  named, is the client's (:func:`commlib.raci.client_side`). For a client, only the contacts
  shared with the client count. Blank: never in touch.

A client is a name: the projects whose ``Project.client`` is the same once case, width and
spaces are set aside (:func:`client_key`). :func:`client_projects` is the one place that
groups projects into clients.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import InvalidRecord, NotFound, NothingToShow, Problem
from .frames import day as day_of
from .i18n import get_language, language, normalise, t

if TYPE_CHECKING:
    from .models import Project
    from .store import Store

__all__ = [
    "COLUMNS",
    "SORTS",
    "STATUS_ORDER",
    "arrange",
    "client_key",
    "client_projects",
    "is_active",
    "portfolio",
]

#: the portfolio's columns, in order
COLUMNS = (
    "project",
    "project_id",
    "client",
    "end",
    "status",
    "status_label",
    "reason",
    "overdue_follow_ups",
    "open_high_risks",
    "last_survey",
    "nps",
    "csat_share",
    "next_milestone",
    "next_due",
    "days_since_client_contact",
)
#: statuses, worst first (``none``: nothing to judge yet)
STATUS_ORDER = ("red", "amber", "green", "none")
#: how :func:`arrange` sorts each column: most urgent first (``True``: largest first)
SORTS: dict[str, bool] = {
    "status": False,
    "project": False,
    "client": False,
    "end": False,
    "overdue_follow_ups": True,
    "open_high_risks": True,
    "nps": False,
    "csat_share": False,
    "next_due": False,
    "days_since_client_contact": True,
}
_HIGH = ("high", "critical")
#: the kinds read once for every project, for the audience; stakeholders are read whole (who
#: is the client's is told by their e-mail, which a client's frame leaves out)
_KINDS = ("follow_ups", "risks", "milestones", "contacts")


# --- which projects -----------------------------------------------------------------------


def client_key(name: str) -> str:
    """A client's name as projects are grouped by it: without case, width or spaces
    (``"Harbourside  LOGISTICS Ltd"`` and ``"ｈａｒｂｏｕｒｓｉｄｅ logistics ltd"`` are one)."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(folded.split())


def client_projects(store: Store, client: str, *, audience: str = "internal") -> list[Project]:
    """The projects of ``client`` (see :func:`client_key`), oldest first; for a client,
    only those marked ``client``. The one place where projects become a client's.

    Raises ``NotFound`` naming the known clients when no project is the client's, and
    ``NothingToShow`` when none of them is shared with the client.
    """
    key = client_key(client)
    every = store.projects()
    found = [p for p in every if key and client_key(p.client) == key]
    if not found:
        known = ", ".join(sorted({p.client for p in every})) or t("word.none")
        raise NotFound(t("portfolio.error.no_client", client=client, known=known))
    if audience == "client":
        found = [p for p in found if p.visibility == "client"]
        if not found:
            raise NothingToShow(t("portfolio.error.nothing_shared", client=client))
    return sorted(found, key=lambda p: (p.start, p.id or 0))


def is_active(project: Project, today: date) -> bool:
    """Not ended before ``today``: no end date, or one on or after ``today``."""
    return project.end is None or project.end >= today


# --- the table ----------------------------------------------------------------------------


def portfolio(
    store: Store,
    *,
    today: date | None = None,
    lang: str | None = None,
    audience: str = "internal",
    client: str | None = None,
) -> pd.DataFrame:
    """One row per active project (or per project of ``client``): see the module for the
    rows and the columns. ``today`` defaults to today; ``lang`` to the current language."""
    if audience not in ("internal", "client"):
        raise InvalidRecord([Problem("audience", audience, t("error.audience"))])
    if audience == "client" and client is None:
        raise InvalidRecord([Problem("client", client, t("portfolio.error.client_audience"))])
    today = today or date.today()
    code = normalise(lang) if lang else get_language()
    if client is None:
        projects = [p for p in store.projects() if is_active(p, today)]
    else:
        projects = client_projects(store, client, audience=audience)
    frames = {kind: _by_project(store.frame(kind, audience=audience)) for kind in _KINDS}
    frames["stakeholders"] = _by_project(store.frame("stakeholders"))
    with language(code):
        rows = [_row(store, p, frames, today, audience, code) for p in projects]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame = frame.astype(
        {
            "project_id": "int64",
            "overdue_follow_ups": "int64",
            "open_high_risks": "int64",
            "nps": "Int64",
            "csat_share": "float64",
            "days_since_client_contact": "Int64",
        }
    )
    return arrange(frame)


def _by_project(frame: pd.DataFrame) -> dict[int, pd.DataFrame]:
    if not len(frame):
        return {}
    return {int(pid): rows for pid, rows in frame.groupby("project_id", sort=False)}


def _row(
    store: Store,
    project: Project,
    frames: dict[str, dict[int, pd.DataFrame]],
    today: date,
    audience: str,
    lang: str,
) -> dict[str, Any]:
    from .summary import status_summary

    def of(kind: str) -> pd.DataFrame:
        return frames[kind].get(int(project.id or 0), pd.DataFrame())

    overall = status_summary(
        store, project, since=today, until=today, today=today, audience=audience, lang=lang
    ).overall
    survey, score, share = _last_wave(store, project, today, audience)
    milestone, due = _next_milestone(of("milestones"))
    return {
        "project": project.name,
        "project_id": project.id,
        "client": project.client,
        "end": project.end,
        "status": overall.status,
        "status_label": t(f"summary.status.{overall.status}"),
        "reason": overall.reason,
        "overdue_follow_ups": _overdue(of("follow_ups"), today),
        "open_high_risks": _high_risks(of("risks")),
        "last_survey": survey,
        "nps": score,
        "csat_share": share,
        "next_milestone": milestone,
        "next_due": due,
        "days_since_client_contact": _days_since_client(
            project, of("stakeholders"), of("contacts"), today
        ),
    }


def _overdue(follow_ups: pd.DataFrame, today: date) -> int:
    from .contacts import overdue_follow_ups

    return len(overdue_follow_ups(follow_ups, today=today)) if len(follow_ups) else 0


def _high_risks(risks: pd.DataFrame) -> int:
    from .risks.scoring import score_risks
    from .summary import LIVE_RISKS

    if not len(risks):
        return 0
    scored = score_risks(risks)
    return int((scored["status"].isin(LIVE_RISKS) & scored["level"].isin(_HIGH)).sum())


def _next_milestone(milestones: pd.DataFrame) -> tuple[str | None, date | None]:
    from .summary import OPEN_MILESTONE

    if not len(milestones):
        return None, None
    open_ = milestones[milestones["status"].isin(OPEN_MILESTONE)]
    dated = [(day_of(d), str(n)) for d, n in zip(open_["current_due"], open_["name"], strict=True)]
    dated = sorted((d, n) for d, n in dated if d is not None)
    return (dated[0][1], dated[0][0]) if dated else (None, None)


def _days_since_client(
    project: Project, stakeholders: pd.DataFrame, contacts: pd.DataFrame, today: date
) -> int | None:
    from .contacts import contact_cadence

    if not len(stakeholders) or not len(contacts):
        return None
    clients = stakeholders[[_clients(project, row) for row in stakeholders.to_dict("records")]]
    if not len(clients):
        return None
    since = contact_cadence(clients, contacts, today=today)["days_since"].dropna()
    return int(since.min()) if len(since) else None


def _clients(project: Project, person: dict[str, Any]) -> bool:
    """Whether a stakeholder is one of the client's people (see the module)."""
    from .raci import client_side

    email = str(person.get("email") or "").strip().lower()
    team = [a.strip().lower().lstrip("@") for a in project.team]
    domain = email.rpartition("@")[2]
    ours = bool(email) and any(
        email == a or ("@" not in a and (domain == a or domain.endswith("." + a))) for a in team
    )
    organisation = str(person.get("organisation") or "").strip()
    return not ours and (not organisation or client_side(organisation, project.client))


def _last_wave(
    store: Store, project: Project, today: date, audience: str
) -> tuple[str | None, int | None, float | None]:
    """``(survey and wave, NPS, CSAT share)`` of the latest wave answered by ``today``."""
    from .surveys import codebook, csat, nps, responses_frame, waves

    table = waves(store, project, audience=audience)
    dated = [
        (row.opened_on or row.milestone_due or row.closed_on, int(row.survey_id), row)
        for row in table.itertuples()
        if int(row.responses) and (row.opened_on is None or row.opened_on <= today)
    ]
    for _when, survey_id, row in sorted(dated, key=lambda w: (w[0] or date.min, w[1]))[::-1]:
        frame = responses_frame(store, [survey_id], audience=audience)
        if not len(frame):
            continue
        book = codebook(store, [survey_id])
        kinds = dict(zip(book["code"], book["type"], strict=True)) if len(book) else {}
        promoters = [c for c, kind in kinds.items() if kind == "nps" and c in frame]
        scored = [c for c, kind in kinds.items() if kind in ("likert", "rating") and c in frame]
        score = _number(nps(frame, book, promoters[0])["nps"].iloc[0]) if promoters else None
        share = _number(csat(frame, book, scored[0])["share"].iloc[0]) if scored else None
        if score is not None or share is not None:
            name = f"{row.name} {row.wave}".strip()
            return name, None if score is None else round(score), share
    return None, None, None


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


# --- sorting and filtering ----------------------------------------------------------------


def arrange(
    frame: pd.DataFrame,
    *,
    sort_by: str = "status",
    status: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """The portfolio's rows of ``status`` (one, or several; ``None``: all), most urgent first
    by ``sort_by`` (one of :data:`SORTS`: the worst status, the most overdue follow-ups or
    high risks, the lowest NPS or CSAT, the soonest due date, the longest silence; names
    alphabetically), then by project name; blanks last."""
    if sort_by not in SORTS:
        raise InvalidRecord(
            [Problem("sort_by", sort_by, t("portfolio.error.sort_by", allowed=", ".join(SORTS)))]
        )
    wanted = _statuses(status)
    rows = frame[frame["status"].isin(wanted)] if wanted is not None else frame
    if sort_by == "status":
        key = rows["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    elif sort_by in ("project", "client"):
        key = rows[sort_by].map(lambda v: client_key(str(v)))
    else:
        key = rows[sort_by].map(lambda v: None if v is None or pd.isna(v) else v)
    keyed = rows.assign(_key=key, _name=rows["project"].map(lambda v: client_key(str(v))))
    keyed = keyed.sort_values(
        ["_key", "_name"], ascending=[not SORTS[sort_by], True], na_position="last", kind="stable"
    )
    return keyed.drop(columns=["_key", "_name"]).reset_index(drop=True)


def _statuses(status: str | Iterable[str] | None) -> Sequence[str] | None:
    if status is None:
        return None
    wanted = [status] if isinstance(status, str) else list(status)
    unknown = [s for s in wanted if s not in STATUS_ORDER]
    if unknown:
        allowed = ", ".join(STATUS_ORDER)
        raise InvalidRecord(
            [Problem("status", unknown[0], t("portfolio.error.status", allowed=allowed))]
        )
    return wanted
