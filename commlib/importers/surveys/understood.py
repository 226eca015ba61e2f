"""How a survey export was understood: what ``commlib import --dry-run`` and
``preview_import`` show before anything is written.

``understood(table, module, parsed)`` is plain data (it goes into the file's report as
``details["understood"]`` and into ``--json``): the platform and layout, the encoding, the
header rows, the respondents (complete and incomplete), the date range, each question with
its detected type and options (and the spellings merged into one option), and every guess
the reader made (its warnings).
"""

from __future__ import annotations

from datetime import datetime
from types import ModuleType
from typing import Any

import pandas as pd

from ...i18n import enum_label, t
from ._base import Parsed
from ._read import Table

#: at most this many options of a question are listed
SHOWN_OPTIONS = 12


def understood(table: Table, module: ModuleType, parsed: Parsed) -> dict[str, Any]:
    """What the reader made of the file, as plain data."""
    meta = parsed.meta
    moments = pd.to_datetime(meta.get("submitted_at", pd.Series(dtype=object)), errors="coerce")
    if moments.dt.tz is None:  # the readers give UTC: shown in this machine's time
        moments = moments.dt.tz_localize("UTC")
    moments = moments.dt.tz_convert(datetime.now().astimezone().tzinfo)
    first = moments.min() if moments.notna().any() else None
    last = moments.max() if moments.notna().any() else None
    incomplete = int(parsed.details.get("incomplete", 0) or 0)
    merged = parsed.details.get("merged", {}) or {}
    return {
        "platform": module.NAME,
        "platform_label": module.label(),
        "layout": _layout(table),
        "encoding": table.encoding or "",
        "header_rows": parsed.details.get("header_rows", table.hints.header_rows),
        "respondents": len(meta),
        "complete": len(meta) - incomplete,
        "incomplete": incomplete,
        "left_out": parsed.details.get("left_out", {}),
        "first": first.strftime("%Y-%m-%d %H:%M") if first is not None else None,
        "last": last.strftime("%Y-%m-%d %H:%M") if last is not None else None,
        "questions": [_question(q, merged.get(q["code"], {})) for q in parsed.questions],
        "guesses": list(parsed.warnings),
    }


def _layout(table: Table) -> str:
    if table.kind == "csv":
        return "TSV" if table.delimiter == "\t" else "CSV"
    sheet = f" ({table.sheet})" if table.sheet else ""
    return f".{table.kind}{sheet}"


def _question(q: dict[str, Any], merged: dict[str, list[str]]) -> dict[str, Any]:
    options = list(q.get("options") or [])
    return {
        "code": q["code"],
        "text": q.get("text", ""),
        "type": q.get("type", ""),
        "parent": q.get("parent", ""),
        "options": options[:SHOWN_OPTIONS],
        "more_options": max(0, len(options) - SHOWN_OPTIONS),
        "merged": {k: list(v) for k, v in merged.items()},
    }


def lines(found: dict[str, Any]) -> list[str]:
    """The understanding as readable lines (current language), for the CLI."""
    out = [
        t(
            "surveys.preview.file",
            platform=found["platform_label"],
            layout=found["layout"],
            encoding=found["encoding"] or "-",
            header_rows=found["header_rows"] if found["header_rows"] is not None else "-",
        ),
        t(
            "surveys.preview.respondents",
            n=found["respondents"],
            complete=found["complete"],
            incomplete=found["incomplete"],
            first=found["first"] or "-",
            last=found["last"] or "-",
        ),
    ]
    for reason, n in (found.get("left_out") or {}).items():
        out.append(t("surveys.preview.left_out", reason=reason, n=n))
    for q in found["questions"]:
        options = ", ".join(q["options"])
        options += f", … (+{q['more_options']})" if q["more_options"] else ""
        out.append(
            t(
                "surveys.preview.question",
                code=q["code"],
                type=enum_label("question_type", q["type"]) if q["type"] else "-",
                text=_short(q["text"]),
            )
            + (f" [{options}]" if options else "")
        )
        for shown, spellings in q["merged"].items():
            written = ", ".join(map(repr, spellings))
            out.append("    " + t("surveys.preview.merged", option=shown, spellings=written))
    out += [t("surveys.preview.guess", text=g) for g in found["guesses"]]
    return out


def frame(found: dict[str, Any]) -> pd.DataFrame:
    """One row per question: code, text, type, options, merged spellings (for a notebook)."""
    rows = [
        {
            "code": q["code"],
            "text": q["text"],
            "type": q["type"],
            "options": ", ".join(q["options"]) + (" …" if q["more_options"] else ""),
            "merged": "; ".join(f"{k} ← {', '.join(v)}" for k, v in q["merged"].items()),
        }
        for q in found["questions"]
    ]
    return pd.DataFrame(rows, columns=["code", "text", "type", "options", "merged"])


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
