"""Schedule: milestones and deliverables, scope and change requests, and the forecast.

    from commlib.schedule import milestone_table, decide_change, forecast, gantt_chart

- ``milestones.py``: baseline against current dates, slip, lateness, client acceptance;
- ``scope.py``: goals and in/out-of-scope items, the client's confirmation, change requests
  (an approved change moves the current due dates it names, never the baseline);
- ``forecast.py``: a seeded Monte Carlo simulation of the milestone chain with its risks,
  giving P50/P80 dates and the chance of meeting each committed date;
- ``charts.py``: a Gantt chart and the forecast chart (altair, labelled in zh/en).

Tables and the forecast are pure functions over the store's DataFrames; the functions that
write (``accept_milestone``, ``confirm_scope``, ``decide_change``) go through ``Store.update``
so the history keeps what changed and when.
"""

from .charts import forecast_chart, gantt_chart
from .forecast import DEFAULT_PROBABILITIES, Simulation, forecast, forecast_table, simulate
from .milestones import accept_milestone, milestone_table
from .scope import (
    ChangeDecision,
    ScopeLists,
    confirm_scope,
    decide_change,
    open_changes,
    scope_summary,
)

__all__ = [
    "DEFAULT_PROBABILITIES",
    "ChangeDecision",
    "ScopeLists",
    "Simulation",
    "accept_milestone",
    "confirm_scope",
    "decide_change",
    "forecast",
    "forecast_chart",
    "forecast_table",
    "gantt_chart",
    "milestone_table",
    "open_changes",
    "scope_summary",
    "simulate",
]
