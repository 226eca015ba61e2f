"""The domain model: one pydantic class per kind of record, validated on every write.

Every record has a ``visibility`` (``internal`` by default, ``client`` to share it) and
``notes``, which never leave the team. Fields listed in a class's ``internal_fields``
(stakeholders' e-mail and phone, every record's notes) are internal whatever the
record's visibility. Dates are ``datetime.date``; moments are timezone-aware and kept in UTC.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ._types import ENUMS as ENUMS  # kept here for their callers
from ._types import (  # the value types of the fields
    Answer,
    Break,
    Channel,
    Days,
    Decider,
    DecisionState,
    DecisionStatus,
    Direction,
    Email,
    Engagement,
    FollowUpStatus,
    HolidayRegion,
    Id,
    IssueImpact,
    IssueStatus,
    Item,
    Language,
    MeetingStatus,
    MilestoneKind,
    MilestoneStatus,
    Moment,
    Money,
    Name,
    Phone,
    Quadrant,
    QuestionType,
    RaciRole,
    Rag,
    RiskStatus,
    Scale,
    Short,
    StatusArea,
    TeamAddress,
    Text,
    TimeZone,
    Visibility,
    WorkingHours,
    _utc,
)
from ._types import clock_text as clock_text
from ._types import minutes_of as minutes_of
from ._validation import field_type as field_type
from ._validation import problems
from .errors import InvalidRecord, NotFound
from .i18n import t

# --- records ----------------------------------------------------------------------------


class Record(BaseModel):
    """Fields every kind shares. ``kind`` is the table name and the CSV file name."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    kind: ClassVar[str] = ""
    internal_fields: ClassVar[frozenset[str]] = frozenset({"notes"})
    #: field -> kind it points at (a list field points at several)
    references: ClassVar[dict[str, str]] = {}
    #: fields whose changes are kept in the history
    tracked: ClassVar[tuple[str, ...]] = ()

    id: Id | None = None
    project_id: Id
    visibility: Visibility = "internal"
    notes: Text = ""
    created_at: Moment | None = None
    updated_at: Moment | None = None

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as err:
            raise _invalid(err, type(self).__name__) from None

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as err:
            raise _invalid(err, type(self).__name__) from None

    @classmethod
    def fields(cls) -> list[str]:
        return list(cls.model_fields)


def _invalid(err: ValidationError, where: str) -> Exception:
    return InvalidRecord(problems(err, where), t("error.fix_hint"))


def _check_order(first: date | None, then: date | None, field: str) -> None:
    if first is not None and then is not None and then < first:
        raise PydanticCustomError(
            "date_order", "{field} is before {first}", {"field": field, "first": str(first)}
        )


class Project(Record):
    kind: ClassVar[str] = "projects"
    tracked: ClassVar[tuple[str, ...]] = (
        "goals",
        "in_scope",
        "out_of_scope",
        "end",
        "scope_confirmed_by",
        "scope_confirmed_on",
        "scope_confirmed_channel",
    )

    project_id: None = None  # type: ignore[assignment]  # a project is its own project
    name: Name
    client: Name
    goals: list[Item] = []
    in_scope: list[Item] = []
    out_of_scope: list[Item] = []
    start: date
    end: date | None = None
    language: Language = "zh"
    team: list[TeamAddress] = []
    #: the client's confirmation of goals and scope: who (a name: the project exists
    #: before its stakeholders), when, and through which channel
    scope_confirmed_by: Short = ""
    scope_confirmed_on: date | None = None
    scope_confirmed_channel: Channel | None = None

    @model_validator(mode="after")
    def _dates(self) -> Project:
        _check_order(self.start, self.end, "end")
        if bool(self.scope_confirmed_by) != (self.scope_confirmed_on is not None):
            raise PydanticCustomError(
                "confirmation_pair", "scope_confirmed_by and scope_confirmed_on go together"
            )
        return self


class Stakeholder(Record):
    kind: ClassVar[str] = "stakeholders"
    internal_fields: ClassVar[frozenset[str]] = frozenset({"notes", "email", "phone", "etiquette"})
    tracked: ClassVar[tuple[str, ...]] = (
        "engagement_current",
        "engagement_desired",
        "power",
        "interest",
    )

    name: Name
    organisation: Short = ""
    role: Short = ""
    email: Email = ""
    phone: Phone = ""
    preferred_channel: Channel = "email"
    timezone: TimeZone = ""
    language: Language | None = None
    power: Scale = 3
    interest: Scale = 3
    engagement_current: Engagement = "neutral"
    engagement_desired: Engagement = "supportive"
    #: how to address them (王总, Dr. Smith)
    address_as: Short = ""
    #: local working hours; the lunch break (``""``: the usual one where they work, 12:00–13:30
    #: in China, 12:00–13:00 elsewhere; ``none``: no break); the public holidays' calendar
    #: (``""``: the country of their time zone)
    work_hours: WorkingHours = "09:00-18:00"
    lunch: Break = ""
    holiday_region: HolidayRegion = ""
    #: etiquette notes (gifts, titles, topics to avoid): internal by nature
    etiquette: Text = ""


#: power or interest at or above this (on 1–5) counts as high in the grid
HIGH = 4

#: what the plan proposes for each quadrant: (channel, cadence in days)
QUADRANT_DEFAULTS: dict[str, tuple[str, int]] = {
    "manage_closely": ("meeting", 7),
    "keep_satisfied": ("email", 14),
    "keep_informed": ("email", 14),
    "monitor": ("email", 30),
}


def quadrant_of(power: int, interest: int) -> str:
    """The power/interest box a stakeholder falls in (high means ``>= HIGH``)."""
    if power >= HIGH:
        return "manage_closely" if interest >= HIGH else "keep_satisfied"
    return "keep_informed" if interest >= HIGH else "monitor"


#: cadence words people write, in days
CADENCES = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "fortnightly": 14,
    "monthly": 30,
    "quarterly": 91,
    "每天": 1,
    "每周": 7,
    "双周": 14,
    "每两周": 14,
    "每月": 30,
    "每季度": 91,
}


def _cadence(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in CADENCES:
        return CADENCES[value.strip().lower()]
    return value


class PlanItem(Record):
    """A row of the communication plan: what goes to whom, how, and how often.

    The audience is one stakeholder, or everyone in one box of the power/interest grid.
    ``cadence_days`` accepts a number of days or a word (weekly, biweekly, monthly, 每周...).
    """

    kind: ClassVar[str] = "communication_plan"
    references: ClassVar[dict[str, str]] = {"stakeholder_id": "stakeholders"}

    what: Name
    stakeholder_id: Id | None = None
    quadrant: Quadrant | None = None
    channel: Channel = "email"
    cadence_days: Annotated[int, BeforeValidator(_cadence), Field(ge=1, le=366)] = 14
    owner: Short = ""

    @model_validator(mode="after")
    def _one_audience(self) -> PlanItem:
        if (self.stakeholder_id is None) == (self.quadrant is None):
            raise PydanticCustomError(
                "one_audience", "the audience is a stakeholder or a quadrant, not both"
            )
        return self


class Contact(Record):
    kind: ClassVar[str] = "contacts"
    references: ClassVar[dict[str, str]] = {"stakeholder_ids": "stakeholders"}

    when: Moment
    stakeholder_ids: list[Id] = []
    channel: Channel = "meeting"
    direction: Direction = "outbound"
    subject: Short = ""
    summary: Text = ""
    sentiment: Annotated[int, Field(ge=-2, le=2)] | None = None
    source: Short = "manual"
    source_id: Short | None = None

    @model_validator(mode="after")
    def _unique_people(self) -> Contact:
        if len(set(self.stakeholder_ids)) != len(self.stakeholder_ids):
            raise PydanticCustomError("duplicate_ids", "a stakeholder is listed twice")
        return self


class FollowUp(Record):
    kind: ClassVar[str] = "follow_ups"
    references: ClassVar[dict[str, str]] = {"contact_id": "contacts"}
    tracked: ClassVar[tuple[str, ...]] = ("status", "due", "owner")

    title: Name
    owner: Short = ""
    due: date | None = None
    status: FollowUpStatus = "open"
    contact_id: Id | None = None
    done_on: date | None = None


class Milestone(Record):
    """A milestone or deliverable: the date promised (baseline) and the date expected now.

    For the schedule forecast: ``depends_on`` is the milestone whose finish starts this
    one's work (none: the project's start), and the three-point estimate of that work
    in days is ``duration_optimistic`` <= ``duration_likely`` <= ``duration_pessimistic``.
    """

    kind: ClassVar[str] = "milestones"
    references: ClassVar[dict[str, str]] = {
        "accepted_by": "stakeholders",
        "depends_on": "milestones",
    }
    tracked: ClassVar[tuple[str, ...]] = (
        "baseline_due",
        "current_due",
        "status",
        "accepted_by",
        "accepted_on",
        "acceptance_channel",
    )

    name: Name
    type: MilestoneKind = "milestone"
    description: Text = ""
    baseline_due: date
    current_due: date
    status: MilestoneStatus = "planned"
    accepted_by: Id | None = None
    accepted_on: date | None = None
    acceptance_channel: Channel | None = None
    depends_on: Id | None = None
    duration_optimistic: Days | None = None
    duration_likely: Days | None = None
    duration_pessimistic: Days | None = None

    @model_validator(mode="after")
    def _acceptance(self) -> Milestone:
        if (self.accepted_by is None) != (self.accepted_on is None):
            raise PydanticCustomError("acceptance_pair", "accepted_by and accepted_on go together")
        estimate = [self.duration_optimistic, self.duration_likely, self.duration_pessimistic]
        given = [d for d in estimate if d is not None]
        if given and (len(given) != 3 or given != sorted(given)):
            raise PydanticCustomError(
                "three_point", "give optimistic <= likely <= pessimistic, all three or none"
            )
        if self.depends_on is not None and self.depends_on == self.id:
            raise PydanticCustomError("self_dependency", "a milestone cannot depend on itself")
        return self


class Risk(Record):
    kind: ClassVar[str] = "risks"
    references: ClassVar[dict[str, str]] = {"milestone_id": "milestones"}
    tracked: ClassVar[tuple[str, ...]] = (
        "probability",
        "impact",
        "status",
        "owner",
        "review_due",
        "mitigation",
        "contingency",
        "cost_impact",
        "schedule_impact_days",
    )

    title: Name
    category: Short = ""
    probability: Scale = 3
    impact: Scale = 3
    owner: Short = ""
    trigger: Text = ""
    mitigation: Text = ""
    contingency: Text = ""
    status: RiskStatus = "open"
    review_due: date | None = None
    cost_impact: Money | None = None
    #: if the risk occurs: days it adds to ``milestone_id`` (and what depends on it)
    schedule_impact_days: Days | None = None
    milestone_id: Id | None = None

    @property
    def score(self) -> int:
        return self.probability * self.impact


class Survey(Record):
    kind: ClassVar[str] = "surveys"
    references: ClassVar[dict[str, str]] = {"milestone_id": "milestones"}

    name: Name
    wave: Short = ""
    template: Short = ""
    platform: Short = ""
    opened_on: date | None = None
    closed_on: date | None = None
    invited: Annotated[int, Field(ge=0)] | None = None
    milestone_id: Id | None = None
    #: what the user told ``commlib import`` of the export (``--platform``, ``--header-rows``,
    #: ``--date-order``, ``--encoding``): the next wave is read the same way
    import_hints: dict[Short, str | int] = {}

    @model_validator(mode="after")
    def _dates(self) -> Survey:
        _check_order(self.opened_on, self.closed_on, "closed_on")
        return self


class Question(Record):
    kind: ClassVar[str] = "questions"
    references: ClassVar[dict[str, str]] = {"survey_id": "surveys"}

    survey_id: Id
    code: Name
    text: Text = ""
    type: QuestionType = "single"
    options: list[Item] = []
    position: Annotated[int, Field(ge=0)] = 0
    parent: Short = ""


class Response(Record):
    kind: ClassVar[str] = "responses"
    references: ClassVar[dict[str, str]] = {"survey_id": "surveys"}

    survey_id: Id
    respondent: Name
    submitted_at: Moment | None = None
    duration_s: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    source: Short = ""
    answers: dict[Name, Answer] = {}
    #: the respondent finished the survey (False: a partial response the platform kept)
    complete: bool = True


class ChangeRequest(Record):
    kind: ClassVar[str] = "change_requests"
    references: ClassVar[dict[str, str]] = {
        "requested_by": "stakeholders",
        "milestone_ids": "milestones",
    }
    tracked: ClassVar[tuple[str, ...]] = ("decision",)

    title: Name
    description: Text = ""
    requested_by: Id | None = None
    requested_on: date
    schedule_impact_days: int = 0
    cost_impact: Annotated[float, Field(allow_inf_nan=False)] | None = None
    decision: DecisionState = "pending"
    decided_by: Short = ""
    decided_on: date | None = None
    milestone_ids: list[Id] = []

    @model_validator(mode="after")
    def _decided(self) -> ChangeRequest:
        if self.decision in ("approved", "rejected") and self.decided_on is None:
            raise PydanticCustomError("decided_on_missing", "a decided change needs decided_on")
        _check_order(self.requested_on, self.decided_on, "decided_on")
        return self


class Decision(Record):
    """A decision taken, or one still to take (``pending``) by the client or by the team,
    ideally by ``needed_by``. A decision taken needs ``decided_on``."""

    kind: ClassVar[str] = "decisions"
    references: ClassVar[dict[str, str]] = {"contact_id": "contacts"}
    tracked: ClassVar[tuple[str, ...]] = ("status", "decided_on", "decided_by")

    title: Name
    description: Text = ""
    decided_on: date | None = None
    decided_by: Short = ""
    contact_id: Id | None = None
    status: DecisionStatus = "taken"
    decider: Decider = "team"
    needed_by: date | None = None

    @model_validator(mode="after")
    def _taken(self) -> Decision:
        if self.status == "taken" and self.decided_on is None:
            raise PydanticCustomError("decided_on_missing", "a decision taken needs decided_on")
        return self


class Lesson(Record):
    kind: ClassVar[str] = "lessons"

    title: Name
    category: Short = ""
    what_happened: Text = ""
    recommendation: Text = ""
    recorded_on: date


class Issue(Record):
    """A problem the project has now (the I of a RAID log), and what is done about it.

    Raised by a stakeholder (``raised_by``) or by someone of the team (``raised_by_team``,
    a name); it may come from a risk that occurred (``risk_id``) and hold up a milestone
    (``milestone_id``). A resolved or closed issue needs ``resolved_on``.
    """

    kind: ClassVar[str] = "issues"
    references: ClassVar[dict[str, str]] = {
        "raised_by": "stakeholders",
        "risk_id": "risks",
        "milestone_id": "milestones",
    }
    tracked: ClassVar[tuple[str, ...]] = ("status", "severity", "owner", "target_date", "solution")

    title: Name
    description: Text = ""
    raised_on: date
    raised_by: Id | None = None
    raised_by_team: Short = ""
    impact: IssueImpact = "schedule"
    severity: Scale = 3
    owner: Short = ""
    #: the solution, or the plan of actions towards one
    solution: Text = ""
    target_date: date | None = None
    status: IssueStatus = "open"
    resolved_on: date | None = None
    risk_id: Id | None = None
    milestone_id: Id | None = None

    @model_validator(mode="after")
    def _dates(self) -> Issue:
        if self.status in ("resolved", "closed") and self.resolved_on is None:
            raise PydanticCustomError(
                "resolved_on_missing", "a resolved or closed issue needs resolved_on"
            )
        _check_order(self.raised_on, self.target_date, "target_date")
        _check_order(self.raised_on, self.resolved_on, "resolved_on")
        return self


class StatusOverride(Record):
    """The specialist's own status for an area of the executive summary, with the reason.

    It replaces the computed status while ``active``; withdrawing it sets ``active`` to
    false, which keeps it (and its history).
    """

    kind: ClassVar[str] = "status_overrides"
    tracked: ClassVar[tuple[str, ...]] = ("status", "reason", "active")

    area: StatusArea
    status: Rag
    reason: Item
    set_on: date
    active: bool = True


class Meeting(Record):
    """A meeting with the client: planned (its invitation), then held (its minutes, the
    contact ``contact_id``) and confirmed by the client, like the scope.

    The invitation keeps its ``uid``; each update of it raises ``sequence``, so calendars
    replace the meeting instead of adding a second one. ``timezone`` is the zone the
    invitation is written in (the organiser's).
    """

    kind: ClassVar[str] = "meetings"
    references: ClassVar[dict[str, str]] = {
        "stakeholder_ids": "stakeholders",
        "contact_id": "contacts",
    }
    tracked: ClassVar[tuple[str, ...]] = (
        "start",
        "duration_min",
        "status",
        "sequence",
        "minutes_sent_on",
        "confirmed_by",
        "confirmed_on",
        "confirmed_channel",
    )

    title: Name
    start: Moment
    duration_min: Annotated[int, Field(ge=5, le=720)] = 60
    timezone: TimeZone = ""
    stakeholder_ids: list[Id] = []
    location: Short = ""
    agenda: list[Item] = []
    uid: Short = ""
    sequence: Annotated[int, Field(ge=0)] = 0
    status: MeetingStatus = "planned"
    contact_id: Id | None = None
    #: the day the minutes went to the attendees to confirm or correct
    minutes_sent_on: date | None = None
    confirmed_by: Short = ""
    confirmed_on: date | None = None
    confirmed_channel: Channel | None = None

    @model_validator(mode="after")
    def _confirmed(self) -> Meeting:
        if bool(self.confirmed_by) != (self.confirmed_on is not None):
            raise PydanticCustomError(
                "minutes_confirmation_pair", "confirmed_by and confirmed_on go together"
            )
        return self


class Assignment(Record):
    """A cell of the RACI matrix: a stakeholder's role on a milestone or deliverable."""

    kind: ClassVar[str] = "raci"
    references: ClassVar[dict[str, str]] = {
        "milestone": "milestones",
        "stakeholder": "stakeholders",
    }
    tracked: ClassVar[tuple[str, ...]] = ("role",)

    milestone: Id
    stakeholder: Id
    role: RaciRole


class Change(BaseModel):
    """One entry of the history: a tracked field of a record changed at a moment."""

    model_config = ConfigDict(extra="forbid")

    kind: ClassVar[str] = "history"

    id: Id | None = None
    project_id: Id
    record_kind: str
    record_id: Id
    field: str
    old: str | None = None
    new: str | None = None
    changed_at: Moment
    #: who made it: the database role on PostgreSQL, the OS user on SQLite ("": unknown)
    actor: str = ""


#: every kind of record, in the order they are stored, exported and imported
#: (a record only points at kinds earlier in this list)
KINDS: dict[str, type[Record]] = {
    m.kind: m
    for m in (
        Project,
        Stakeholder,
        PlanItem,
        Contact,
        FollowUp,
        Milestone,
        Risk,
        Survey,
        Question,
        Response,
        ChangeRequest,
        Decision,
        Lesson,
        Issue,
        StatusOverride,
        Meeting,
        Assignment,
    )
}


def model_for(kind: str) -> type[Record]:
    """The class of a kind by its name (``"risks"``) — plural, as in the store and CSV files."""
    try:
        return KINDS[kind]
    except KeyError:
        raise NotFound(t("error.unknown_kind", kind=kind, kinds=", ".join(KINDS))) from None


def to_text(value: object) -> str | None:
    """The text form of a field value, as written to CSV files and the history.

    ``None`` stays ``None``; dates and moments are ISO 8601 (moments in UTC); lists and
    dicts are compact JSON with Chinese kept readable; floats keep every digit.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, date | int):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
