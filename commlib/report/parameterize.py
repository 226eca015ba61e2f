"""A notebook's parameters, the papermill way: what its ``parameters`` cell declares, a cell of
values injected after it, and the period the notebook settled on, read back after the run.

    nb = nbformat.read("notebooks/status_review.ipynb", as_version=4)
    inject(nb, {"project": "华辰 ERP 升级", "until": date(2026, 3, 31)})
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

#: the cells a report adds to its notebook: the values, the kernel setup, the period read back
_VALUES_TAG, _SETUP_TAG, _PERIOD_TAG = "injected", "commlib-setup", "commlib-period"
INJECTED_TAGS = frozenset({_VALUES_TAG, _SETUP_TAG, _PERIOD_TAG})


def _parameters_cell(nb: Any) -> int | None:
    for i, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "code" and "parameters" in tags:
            return i
    return None


def declared(nb: Any) -> set[str]:
    """The names a notebook's ``parameters`` cell assigns (``nb`` read by nbformat, or its
    plain JSON)."""
    at = _parameters_cell(nb)
    if at is None:
        return set()
    source = nb["cells"][at]["source"]
    source = "".join(source) if isinstance(source, list) else source
    return set(re.findall(r"^([A-Za-z_]\w*)\s*=", source, re.M))


def inject(nb: Any, values: dict[str, object], setup: str | None = None) -> None:
    """Insert after the ``parameters`` cell (or at the top when there is none) a cell assigning
    the ``values`` the notebook declares (the others are left out), then ``setup``, code to
    run before the notebook's own (a report's kernel setup). ``nb`` is read by nbformat."""
    import nbformat

    names = declared(nb)
    lines = [f"{k} = {v!r}" for k, v in values.items() if k in names]
    at = _parameters_cell(nb)
    at = -1 if at is None else at
    cells = []
    if lines:
        source = "import datetime\n" + "\n".join(lines)
        cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": [_VALUES_TAG]}))
    if setup is not None:
        cells.append(nbformat.v4.new_code_cell(setup, metadata={"tags": [_SETUP_TAG]}))
    nb.cells[at + 1 : at + 1] = cells


# --- the period, read back ------------------------------------------------------------------

#: the last cell of a report's run: the period the notebook settled on (its ``since``,
#: ``until`` and ``today`` after its own defaults), read back for the title block
_PERIOD_MARK = "commlib-period "
_PERIOD_SOURCE = (
    "import datetime as _commlib_dt, json as _commlib_json\n"
    "print(" + repr(_PERIOD_MARK) + " + _commlib_json.dumps({_k: (_v.isoformat()"
    " if isinstance(_v, _commlib_dt.date) else None) for _k, _v in"
    " ((_k, globals().get(_k)) for _k in ('since', 'until', 'today'))}))"
)


def add_period_cell(nb: Any) -> None:
    """Append the cell that prints the period the notebook settled on (:func:`take_period`)."""
    import nbformat

    nb.cells.append(nbformat.v4.new_code_cell(_PERIOD_SOURCE, metadata={"tags": [_PERIOD_TAG]}))


def take_period(nb: Any) -> dict[str, date | None]:
    """Remove the period cell and return what it printed (``{}`` when it printed nothing)."""
    found: dict[str, date | None] = {}
    for cell in [c for c in nb.cells if _PERIOD_TAG in c.metadata.get("tags", [])]:
        nb.cells.remove(cell)
        for output in cell.get("outputs", []):
            for line in str(output.get("text", "")).splitlines():
                if line.startswith(_PERIOD_MARK):
                    values = json.loads(line[len(_PERIOD_MARK) :])
                    found = {k: _iso_day(v) for k, v in values.items()}
    return found


def _iso_day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def report_period(
    ran: dict[str, date | None], since: date | None, until: date | None, today: date
) -> tuple[date | None, date]:
    """The period a report covers: the notebook's own ``since``/``until`` after its defaults
    (a status review: the 14 days before ``until``), else the ones given, else up to today."""
    end = ran.get("until") or until or ran.get("today") or today
    return ran.get("since") or since, end
