"""The value types of the records' fields: one-line names, texts, moments in UTC, e-mail
addresses, time zones, working hours, holiday calendars... each with its validation, whose
messages the catalog holds under ``error.validation.<type>``.

A leaf below ``commlib.models``, which builds the records from these types.
"""

from __future__ import annotations

import re
import typing
import zoneinfo
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from .text import BREAK, CONTROL

# --- enumerations (labels: enum.<name>.<value> in the catalog) ----------------------------

Visibility = Literal["internal", "client"]
Language = Literal["zh", "en"]
Channel = Literal["meeting", "video", "phone", "email", "im", "other"]
Direction = Literal["inbound", "outbound"]
Engagement = Literal["unaware", "resistant", "neutral", "supportive", "leading"]
FollowUpStatus = Literal["open", "done", "cancelled"]
MilestoneKind = Literal["milestone", "deliverable"]
MilestoneStatus = Literal["planned", "in_progress", "done", "cancelled"]
RiskStatus = Literal["open", "mitigating", "closed", "occurred"]
QuestionType = Literal[
    "single", "multi", "rank", "likert", "nps", "rating", "numeric", "text", "matrix"
]
DecisionState = Literal["pending", "approved", "rejected", "deferred"]
IssueImpact = Literal["schedule", "cost", "scope", "quality"]
IssueStatus = Literal["open", "in_progress", "resolved", "closed"]
#: the areas of the executive summary whose computed status a specialist may override
StatusArea = Literal[
    "overall", "schedule", "scope", "risks", "issues", "satisfaction", "communication"
]
Rag = Literal["green", "amber", "red"]
#: the four boxes of the power/interest grid
Quadrant = Literal["manage_closely", "keep_satisfied", "keep_informed", "monitor"]
DecisionStatus = Literal["pending", "taken"]
#: whose decision it is: the client's or the team's
Decider = Literal["client", "team"]
MeetingStatus = Literal["planned", "held", "cancelled"]
#: Responsible, Accountable, Consulted, Informed
RaciRole = Literal["R", "A", "C", "I"]

ENUMS: dict[str, tuple[str, ...]] = {
    "visibility": typing.get_args(Visibility),
    "language": typing.get_args(Language),
    "channel": typing.get_args(Channel),
    "direction": typing.get_args(Direction),
    "engagement": typing.get_args(Engagement),
    "follow_up_status": typing.get_args(FollowUpStatus),
    "milestone_kind": typing.get_args(MilestoneKind),
    "milestone_status": typing.get_args(MilestoneStatus),
    "risk_status": typing.get_args(RiskStatus),
    "question_type": typing.get_args(QuestionType),
    "decision": typing.get_args(DecisionState),
    "quadrant": typing.get_args(Quadrant),
    "issue_impact": typing.get_args(IssueImpact),
    "issue_status": typing.get_args(IssueStatus),
    "status_area": typing.get_args(StatusArea),
    "rag": typing.get_args(Rag),
    "decision_status": typing.get_args(DecisionStatus),
    "decider": typing.get_args(Decider),
    "meeting_status": typing.get_args(MeetingStatus),
    "raci_role": typing.get_args(RaciRole),
}

# --- value types ------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    """Text may hold line breaks and tabs, but no other control characters."""
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "contains a NUL character")
    if CONTROL.search(value):  # (NUL, which it also finds, is told apart above)
        raise PydanticCustomError("control_character", "contains control characters")
    return value


def _one_line(value: str) -> str:
    """Names and short fields: no line breaks or control characters at all."""
    _no_nul(value)
    if BREAK.search(value):
        raise PydanticCustomError("line_break", "must be on one line")
    return value


def _utc(value: datetime) -> datetime:
    """Naive moments are taken as UTC; aware ones are converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as err:  # e.g. 0001-01-01T00:00+08:00 is before year 1 in UTC
        raise PydanticCustomError("datetime_parsing", "not a real moment") from err


def _timezone(value: str) -> str:
    if value:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as err:  # OSError: "Asia"
            raise PydanticCustomError("bad_timezone", "unknown time zone") from err
    return value


_CLOCK = re.compile(r"^([01]?\d|2[0-4])(?::?([0-5]\d))?$")
_RANGE = re.compile(r"\s*[-–—~～至到]\s*")


def _clock(text: str) -> int:
    """Minutes after midnight of ``9``, ``9:30``, ``0930`` or ``24:00``."""
    found = _CLOCK.match(text.strip())
    if not found or (found[1] == "24" and (found[2] or "00") != "00"):
        raise PydanticCustomError("bad_hours", "not a time range like 09:00-18:00")
    return int(found[1]) * 60 + int(found[2] or 0)


def minutes_of(hours: str) -> tuple[int, int]:
    """``"09:00-18:00"`` -> ``(540, 1080)``: a range's start and end, in minutes after midnight."""
    start, end = _RANGE.split(hours.strip())
    return _clock(start), _clock(end)


def _hours(value: str) -> str:
    """A range of local clock times, normalised to ``HH:MM-HH:MM``; it must end after it starts."""
    value = value.strip()
    if value.lower() in ("", "none", "无"):
        return value.lower().replace("无", "none")
    parts = _RANGE.split(value)
    if len(parts) != 2:
        raise PydanticCustomError("bad_hours", "not a time range like 09:00-18:00")
    start, end = _clock(parts[0]), _clock(parts[1])
    if end <= start:
        raise PydanticCustomError(
            "hours_order",
            "ends at {end} before it starts at {start}",
            {"start": clock_text(start), "end": clock_text(end)},
        )
    return f"{clock_text(start)}-{clock_text(end)}"


def clock_text(minute: int) -> str:
    """``570`` -> ``"09:30"``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _working_hours(value: str) -> str:
    value = _hours(value)
    if value in ("", "none"):
        raise PydanticCustomError("bad_hours", "not a time range like 09:00-18:00")
    return value


def _holiday_region(value: str) -> str:
    """``CN``, ``GB-ENG``, ``US-NY``: a country (and subdivision) the ``holidays`` library knows;
    ``""`` takes the country of the time zone, ``none`` means no public holidays."""
    value = value.strip()
    if value.lower() in ("", "none"):
        return value.lower()
    import holidays  # here: only a stakeholder's region needs it

    country, _, subdiv = value.upper().partition("-")
    known = holidays.list_supported_countries()
    if country not in known or (subdiv and subdiv not in known[country]):
        raise PydanticCustomError(
            "bad_holiday_region", "not a country or region code like CN, GB-ENG or US-NY"
        )
    return f"{country}-{subdiv}" if subdiv else country


_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_DOMAIN = re.compile(r"^@?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE = re.compile(r"^[0-9+()\-./ xext#*]*$", re.IGNORECASE)


def _email(value: str) -> str:
    if value and not _EMAIL.match(value):
        raise PydanticCustomError("bad_email", "not an e-mail address")
    return value


def _team_address(value: str) -> str:
    if not (_EMAIL.match(value) or _DOMAIN.match(value)):
        raise PydanticCustomError("bad_team_address", "not an e-mail address or domain")
    return value


def _phone(value: str) -> str:
    if value and not _PHONE.match(value):
        raise PydanticCustomError("bad_phone", "not a phone number")
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_one_line),
]
Short = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_one_line)
]
Text = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)]
Item = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000),
    AfterValidator(_no_nul),
]
Moment = Annotated[datetime, AfterValidator(_utc)]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)
]
TeamAddress = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_team_address)
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=50), AfterValidator(_phone)
]
TimeZone = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_timezone)]
#: local working hours, ``HH:MM-HH:MM``
WorkingHours = Annotated[str, AfterValidator(_working_hours)]
#: a break inside the working hours, ``HH:MM-HH:MM``; ``""``: the region's usual one; ``none``
Break = Annotated[str, AfterValidator(_hours)]
HolidayRegion = Annotated[str, AfterValidator(_holiday_region)]
Scale = Annotated[int, Field(ge=1, le=5)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Id = Annotated[int, Field(ge=1)]
Days = Annotated[int, Field(ge=0, le=3650)]
Answer = Text | int | float | list[Text] | None
