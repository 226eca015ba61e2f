"""Turn pydantic's validation errors into translated, located ``Problem``s."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import pydantic

from .errors import InvalidRecord, Problem
from .i18n import has, t

M = TypeVar("M", bound=pydantic.BaseModel)

#: checks that span several fields: the field a form should show the message next to
_FIELD_OF = {
    "one_audience": "stakeholder_id",
    "duplicate_ids": "stakeholder_ids",
    "acceptance_pair": "accepted_on",
    "decided_on_missing": "decided_on",
    "confirmation_pair": "scope_confirmed_on",
    "three_point": "duration_likely",
    "self_dependency": "depends_on",
}


def problems(err: pydantic.ValidationError, where: str = "", data: Any = None) -> list[Problem]:
    found = []
    for item in err.errors(include_url=False):
        loc = [str(part) for part in item["loc"]]
        kind = item["type"]
        if not loc and kind in _FIELD_OF:
            loc = [_FIELD_OF[kind]]
        elif not loc and kind == "date_order":
            loc = [str(item["ctx"]["field"])]
        field = ".".join(loc) if loc else "-"
        if item.get("input") is None and kind.endswith("_type"):
            kind = "missing"  # an empty required field, e.g. a cleared date picker
        key = f"error.validation.{kind}"
        ctx = {k: v for k, v in (item.get("ctx") or {}).items() if k != "error"}
        if has(key):
            try:
                message = t(key, **ctx)
            except (KeyError, IndexError):
                message = item["msg"]
        else:
            message = item["msg"]
        value = item.get("input")
        if kind == "missing" or (isinstance(value, dict) and loc):
            value = ""
        found.append(Problem(field=field, value=value, message=message, where=where))
    return found


def validate(model: type[M], data: dict[str, Any], where: str = "") -> M:
    """``model(**data)``, raising ``InvalidRecord`` with messages in the user's language."""
    try:
        return model(**data)
    except pydantic.ValidationError as err:
        raise InvalidRecord(problems(err, where or model.__name__), t("error.fix_hint")) from None
    except InvalidRecord as err:  # records raise it themselves, located at their class name
        if not where:
            raise
        found = [dataclasses.replace(p, where=where) for p in err.problems]
        raise InvalidRecord(found, err.hint) from None
