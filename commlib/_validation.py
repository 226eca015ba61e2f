"""Turn pydantic's validation errors into translated, located ``Problem``s.

A leaf below the records: ``commlib.models`` uses it, it needs nothing of the models (any
pydantic model will do), so the two never import each other in a circle.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

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
    "resolved_on_missing": "resolved_on",
    "confirmation_pair": "scope_confirmed_on",
    "minutes_confirmation_pair": "confirmed_on",
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
    """``model(**data)``, raising ``InvalidRecord`` with messages in the user's language.

    Besides the model's rules: whole numbers must fit the store's integer columns, and a
    value a validator cannot even look at (a moment of year 1 east of UTC, a time zone
    name that is a folder) is refused like any other invalid value.
    """
    place = where or model.__name__
    try:
        record = model(**data)
    except pydantic.ValidationError as err:
        raise InvalidRecord(problems(err, place), t("error.fix_hint")) from None
    except InvalidRecord as err:  # records raise it themselves, located at their class name
        if not where:
            raise
        found = [dataclasses.replace(p, where=where) for p in err.problems]
        raise InvalidRecord(found, err.hint) from None
    except (OverflowError, OSError) as err:
        raise InvalidRecord(_unusable(model, data, place, err), t("error.fix_hint")) from None
    too_big = _too_big(record, place)
    if too_big:
        raise InvalidRecord(too_big, t("error.fix_hint"))
    return record


#: the store's INTEGER columns (32-bit on PostgreSQL, 64-bit on SQLite): what fits both
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def _too_big(record: pydantic.BaseModel, where: str) -> list[Problem]:
    found = []
    for name in type(record).model_fields:
        value = getattr(record, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and not isinstance(item, bool):
                if item > INT_MAX:
                    message = t("error.validation.less_than_equal", le=INT_MAX)
                elif item < INT_MIN:
                    message = t("error.validation.greater_than_equal", ge=INT_MIN)
                else:
                    continue
                found.append(Problem(name, item, message, where))
    return found


def _unusable(
    model: type[pydantic.BaseModel], data: dict[str, Any], where: str, err: Exception
) -> list[Problem]:
    """The field whose value made a validator fail outside pydantic's rules."""
    for name, value in data.items():
        if name not in model.model_fields:
            continue
        try:
            _adapter(model, name).validate_python(value)
        except (OverflowError, OSError):
            return [Problem(name, value, _message(model, name, err), where)]
        except Exception:  # another problem of this value: not the one looked for
            continue
    return [Problem("-", "", str(err), where)]


def _message(model: type[pydantic.BaseModel], name: str, err: Exception) -> str:
    kind = field_type(model, name)
    if kind in (datetime, date):
        return t("error.validation.datetime_parsing")
    if name == "timezone":
        return t("error.validation.bad_timezone")
    return str(err)


def field_type(model: type[pydantic.BaseModel], name: str) -> Any:
    """The bare type of a field: ``Annotated[int, ...] | None`` -> ``int``; ``list[int]`` stays."""
    annotation = model.model_fields[name].annotation
    while True:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, _UnionType) and len(args) == 1:
            annotation = args[0]
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


_UnionType = type(int | None)


@functools.lru_cache(maxsize=256)
def _adapter(model: type[pydantic.BaseModel], name: str) -> pydantic.TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return pydantic.TypeAdapter(annotation)
