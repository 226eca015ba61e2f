"""Schedule forecast: when will each milestone really land? A Monte Carlo simulation.

    >>> fc = forecast(store.frame("milestones", p), store.frame("risks", p),
    ...               start=project.start, today=date.today())
    >>> fc[["name", "current_due", "p50", "p80", "p_current"]]

The model, in calendar days:

- **Work.** A milestone's work starts when its predecessor (``depends_on``) finishes, or at
  the project's ``start``, and takes a duration drawn from its three-point estimate with the
  **PERT-beta** distribution: ``o + (p − o) · Beta(α, β)``, ``α = 1 + 4 (m − o) / (p − o)``,
  ``β = 1 + 4 (p − m) / (p − o)``, mean ``(o + 4m + p) / 6``. PERT rather than triangular:
  it is the usual choice for schedules and keeps most weight near the likely value, where
  triangular's tails would inflate P80 for estimates people anchor on the likely value.
  ``o = m = p`` is a fixed duration.
- **Risks.** Each risk with status ``open`` or ``mitigating``, a ``schedule_impact_days`` and a
  ``milestone_id`` occurs, independently in each run, with the probability its 1–5 scale maps
  to (``DEFAULT_PROBABILITIES``, or ``probabilities=``, merged over the default); when it
  occurs it adds its days to that milestone's finish, which pushes everything after it.
  Occurred and closed risks are left out: what they did is in the dates already. Risks of
  milestones that are done, cancelled or not in ``milestones`` are ignored.
- **Fixed dates.** A milestone without an estimate keeps its current due date, unless its
  predecessor finishes later: its finish is ``max(current_due, predecessor's finish) + risk
  days`` (a zero duration after its predecessor).
- **Done** milestones are fixed at their current due date (no risks). A **cancelled**
  milestone takes no time: it passes its predecessor's finish on to what depends on it, and
  it has no row in the result.
- **Today.** A milestone that is not done cannot finish before ``today``.
- **Dates.** A finish part-way through a day counts as that day (the day is rounded up).
  P50 and P80 are the earliest dates by which at least 50% and 80% of the runs have finished;
  ``p_current``/``p_baseline`` are the share of runs finished on or before those dates.

Reproducible: the same inputs and ``seed`` give the same numbers. Each milestone's durations
and each risk's occurrences come from their own random stream (keyed by ``seed`` and the
record's id), so editing one risk or estimate leaves the other draws as they were: adding a
risk can only make each run later, never earlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from .. import frames
from ..errors import InvalidRecord, Problem
from ..i18n import enum_label, language, t
from .milestones import order_key

#: chance that a risk occurs, by its probability on the 1–5 scale
DEFAULT_PROBABILITIES: dict[int, float] = {1: 0.05, 2: 0.2, 3: 0.4, 4: 0.6, 5: 0.8}
#: risk statuses that may still happen
LIVE_RISKS = ("open", "mitigating")
#: PERT's weight on the likely value
PERT_LAMBDA = 4.0
#: the share of runs behind the two dates quoted
QUANTILES = (0.5, 0.8)

COLUMNS = [
    "id",
    "name",
    "type",
    "status",
    "depends_on",
    "baseline_due",
    "current_due",
    "estimated",
    "p50",
    "p80",
    "p_baseline",
    "p_current",
    "p80_vs_current_days",
]

# stream keys: durations and risks draw from different streams even for equal ids
_DURATIONS, _RISKS = 0, 1
# a float just past a whole day still counts as that day (sums of whole days are exact)
_EPS = 1e-9


@dataclass(frozen=True)
class Simulation:
    """The runs behind a forecast: ``finish[i, j]`` is the day (counted from ``start``) on
    which run ``i`` finishes milestone ``ids[j]``; ``milestones`` are the rows simulated, in
    column order (cancelled ones included, with their predecessor's finish)."""

    start: date
    ids: np.ndarray
    finish: np.ndarray
    milestones: pd.DataFrame

    @property
    def iterations(self) -> int:
        return int(self.finish.shape[0])

    def dates(self, milestone_id: int) -> pd.Series:
        """The simulated finish dates of one milestone, one per run."""
        column = self.finish[:, _column(self.ids, milestone_id)]
        return pd.Series(np.datetime64(self.start, "D") + column.astype("timedelta64[D]"))

    def table(self) -> pd.DataFrame:
        """One row per milestone that is not cancelled; see :func:`forecast`."""
        frame = self.milestones
        keep = (frame["status"].astype(str) != "cancelled").to_numpy()
        if not keep.any():
            return _empty()
        finish = self.finish[:, keep]
        rows = frame.loc[keep].reset_index(drop=True)
        baseline = np.array([(d - self.start).days for d in rows["baseline_due"]])
        current = np.array([(d - self.start).days for d in rows["current_due"]])
        p50, p80 = np.quantile(finish, QUANTILES, axis=0, method="inverted_cdf")
        table = pd.DataFrame(
            {
                "id": rows["id"].astype("int64").to_numpy(),
                "name": rows["name"].astype(str).to_numpy(),
                "type": rows["type"].astype(str).to_numpy(),
                "status": rows["status"].astype(str).to_numpy(),
                "depends_on": pd.array(rows["depends_on"].tolist(), dtype="Int64"),
                "baseline_due": rows["baseline_due"].to_numpy(),
                "current_due": rows["current_due"].to_numpy(),
                "estimated": rows["estimated"].astype(bool).to_numpy(),
                "p50": [self.start + timedelta(days=int(d)) for d in p50],
                "p80": [self.start + timedelta(days=int(d)) for d in p80],
                "p_baseline": (finish <= baseline).mean(axis=0),
                "p_current": (finish <= current).mean(axis=0),
                "p80_vs_current_days": (p80 - current).astype("int64"),
            }
        )
        table = table.astype({"baseline_due": object, "current_due": object})
        return table.iloc[order_key(table)].reset_index(drop=True)


def forecast(
    milestones: pd.DataFrame,
    risks: pd.DataFrame | None,
    *,
    start: date,
    today: date,
    iterations: int = 10_000,
    seed: int = 0,
    probabilities: Mapping[int, float] | None = None,
) -> pd.DataFrame:
    """P50 and P80 dates per milestone, and the chance of meeting the committed dates.

    ``milestones`` and ``risks`` are the store's frames of one project (``risks`` may be
    ``None``); ``start`` is the project's start. Returns one row per milestone that is not
    cancelled, by current due date: ``id, name, type, status, depends_on, baseline_due,
    current_due`` (the committed dates), ``estimated`` (it has a three-point estimate; else
    its date is fixed), ``p50, p80`` (dates), ``p_baseline, p_current`` (0–1: the chance of
    finishing on or before the baseline and the current due date) and
    ``p80_vs_current_days`` (P80 − current due: positive means the commitment is at risk).
    The model is in the module's docstring; :func:`simulate` keeps the runs.
    """
    return simulate(
        milestones,
        risks,
        start=start,
        today=today,
        iterations=iterations,
        seed=seed,
        probabilities=probabilities,
    ).table()


def simulate(
    milestones: pd.DataFrame,
    risks: pd.DataFrame | None,
    *,
    start: date,
    today: date,
    iterations: int = 10_000,
    seed: int = 0,
    probabilities: Mapping[int, float] | None = None,
) -> Simulation:
    """The runs of :func:`forecast` (same arguments), as a :class:`Simulation`."""
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise InvalidRecord([Problem("iterations", iterations, t("schedule.error.iterations"))])
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidRecord([Problem("seed", seed, t("schedule.error.seed"))])
    chances = _chances(probabilities)
    rows = _rows(milestones)
    ids = rows["id"].to_numpy(dtype="int64")
    if rows.empty:
        return Simulation(start, ids, np.zeros((iterations, 0), dtype="int64"), rows)
    column = {int(i): j for j, i in enumerate(ids)}
    order = _topological(rows, column)
    delay = _risk_days(risks, rows, column, chances, iterations, seed)
    today_day = float((today - start).days)
    finish = np.empty((iterations, len(rows)), dtype="float64")
    for j in order:
        row = rows.iloc[j]
        pred = row["depends_on"]
        before = finish[:, column[pred]] if pred is not None else np.zeros(iterations)
        due = float((row["current_due"] - start).days)
        if row["status"] == "done":
            finish[:, j] = due
            continue
        if row["status"] == "cancelled":
            finish[:, j] = before
            continue
        if row["estimated"]:
            work = _durations(row, iterations, seed)
            ends = before + work + delay[:, j]
        else:
            ends = np.maximum(before, due) + delay[:, j]
        finish[:, j] = np.maximum(ends, today_day)
    days = np.ceil(finish - _EPS).astype("int64")
    return Simulation(start, ids, days, rows)


def forecast_table(table: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The forecast as people read it: headers, types and statuses in ``lang``, dates as
    ``YYYY-MM-DD``, chances as percentages. For showing; compute with :func:`forecast`.

    A done milestone shows how it ended instead of a chance: ``outcome`` says the day it was
    done (its current due date), how many days late or early against the baseline, and who
    accepted it when ``table`` has ``accepted_by_name``/``accepted_on`` (as
    ``commlib.review.schedule_outlook`` gives them); its P50/P80 and chances stay blank.
    """
    done = (table["status"].astype(str) == "done").tolist()

    def unless_done(values: list[str]) -> list[str]:
        return ["" if d else v for v, d in zip(values, done, strict=True)]

    with language(lang):
        rows = (row for _, row in table.iterrows())
        outcome = [outcome_text(row) if d else "" for row, d in zip(rows, done, strict=True)]
        columns = {
            t("field.name"): table["name"].astype(str).to_numpy(),
            t("field.type"): [enum_label("milestone_kind", v) for v in table["type"]],
            t("field.status"): [enum_label("milestone_status", v) for v in table["status"]],
            t("schedule.forecast.outcome"): outcome,
            t("field.baseline_due"): [_iso(d) for d in table["baseline_due"]],
            t("field.current_due"): [_iso(d) for d in table["current_due"]],
            t("schedule.forecast.p50"): unless_done([_iso(d) for d in table["p50"]]),
            t("schedule.forecast.p80"): unless_done([_iso(d) for d in table["p80"]]),
            t("schedule.forecast.p_baseline"): unless_done(
                [_percent(p) for p in table["p_baseline"]]
            ),
            t("schedule.forecast.p_current"): unless_done(
                [_percent(p) for p in table["p_current"]]
            ),
        }
        if not any(done):
            del columns[t("schedule.forecast.outcome")]
        shown = pd.DataFrame(columns)
    return shown


def outcome_text(row: Mapping[str, Any]) -> str:
    """How a done milestone ended, in the current language: done on its current due date,
    on time or N days late/early against the baseline, and accepted by whom and when."""
    on, baseline = frames.day(row.get("current_due")), frames.day(row.get("baseline_due"))
    days = (on - baseline).days if on and baseline else 0
    if days > 0:
        text = t(
            "schedule.outcome.late_one" if days == 1 else "schedule.outcome.late", on=on, days=days
        )
    elif days < 0:
        early = -days
        key = "schedule.outcome.early_one" if early == 1 else "schedule.outcome.early"
        text = t(key, on=on, days=early)
    else:
        text = t("schedule.outcome.on_time", on=on)
    by, accepted = row.get("accepted_by_name"), frames.day(row.get("accepted_on"))
    if isinstance(by, str) and by and accepted:
        text = t("schedule.outcome.accepted", outcome=text, by=by, on=accepted)
    return text


# --- internals --------------------------------------------------------------------------


def _chances(probabilities: Mapping[int, float] | None) -> dict[int, float]:
    chances = dict(DEFAULT_PROBABILITIES)
    problems = []
    for scale, chance in (probabilities or {}).items():
        if scale not in DEFAULT_PROBABILITIES:
            problems.append(Problem("probabilities", scale, t("schedule.error.scale")))
        elif not isinstance(chance, int | float) or not 0 <= chance <= 1:
            problems.append(Problem(f"probabilities[{scale}]", chance, t("schedule.error.chance")))
        else:
            chances[int(scale)] = float(chance)
    if problems:
        raise InvalidRecord(problems)
    return chances


def _rows(milestones: pd.DataFrame) -> pd.DataFrame:
    """The columns the simulation needs, as plain Python values, in the frame's order."""
    if milestones.empty:
        return pd.DataFrame(
            columns=[
                "id",
                "name",
                "type",
                "status",
                "depends_on",
                "baseline_due",
                "current_due",
                "estimated",
                "o",
                "m",
                "p",
            ]
        )
    estimate = [
        [frames.whole(v) for v in milestones[f"duration_{part}"]]
        for part in ("optimistic", "likely", "pessimistic")
    ]
    given = [all(v is not None for v in three) for three in zip(*estimate, strict=True)]
    return pd.DataFrame(
        {
            "id": milestones["id"].astype("int64").to_numpy(),
            "name": milestones["name"].astype(str).to_numpy(),
            "type": milestones["type"].astype(str).to_numpy(),
            "status": milestones["status"].astype(str).to_numpy(),
            "depends_on": pd.Series(
                [frames.whole(v) for v in milestones["depends_on"]], dtype=object
            ),
            "baseline_due": pd.Series(
                [frames.day(v) for v in milestones["baseline_due"]], dtype=object
            ),
            "current_due": pd.Series(
                [frames.day(v) for v in milestones["current_due"]], dtype=object
            ),
            "estimated": given,
            "o": pd.Series(estimate[0], dtype=object),
            "m": pd.Series(estimate[1], dtype=object),
            "p": pd.Series(estimate[2], dtype=object),
        }
    )


def _topological(rows: pd.DataFrame, column: dict[int, int]) -> list[int]:
    """Columns in an order where each milestone comes after the one it depends on."""
    parent = {}
    for j, (mid, pred) in enumerate(zip(rows["id"], rows["depends_on"], strict=True)):
        if pred is not None and pred not in column:
            raise InvalidRecord(
                [Problem("depends_on", pred, t("schedule.error.missing_predecessor", id=mid))],
                t("schedule.error.missing_predecessor_hint"),
            )
        parent[j] = None if pred is None else column[pred]
    order: list[int] = []
    placed: set[int] = set()
    for j in range(len(rows)):
        chain: list[int] = []
        node: int | None = j
        while node is not None and node not in placed:
            if node in chain:
                ids = ", ".join(f"#{rows['id'].iloc[k]}" for k in chain[chain.index(node) :])
                raise InvalidRecord(
                    [Problem("depends_on", ids, t("schedule.error.cycle"))],
                    t("schedule.error.cycle_hint"),
                )
            chain.append(node)
            node = parent[node]
        for k in reversed(chain):
            order.append(k)
            placed.add(k)
    return order


def _durations(row: pd.Series, iterations: int, seed: int) -> np.ndarray:
    o, m, p = float(row["o"]), float(row["m"]), float(row["p"])
    if p <= o:
        return np.full(iterations, o)
    alpha = 1 + PERT_LAMBDA * (m - o) / (p - o)
    beta = 1 + PERT_LAMBDA * (p - m) / (p - o)
    rng = np.random.default_rng([seed, _DURATIONS, int(row["id"])])
    return o + (p - o) * rng.beta(alpha, beta, size=iterations)


def _risk_days(
    risks: pd.DataFrame | None,
    rows: pd.DataFrame,
    column: dict[int, int],
    chances: dict[int, float],
    iterations: int,
    seed: int,
) -> np.ndarray:
    """Days that occurring risks add to each milestone, per run (iterations × milestones)."""
    delay = np.zeros((iterations, len(rows)), dtype="float64")
    if risks is None or risks.empty:
        return delay
    status = rows["status"].tolist()
    for rid, state, scale, days, target in zip(
        risks["id"],
        risks["status"].astype(str),
        risks["probability"],
        risks["schedule_impact_days"],
        risks["milestone_id"],
        strict=True,
    ):
        days, target = frames.whole(days), frames.whole(target)
        if state not in LIVE_RISKS or not days or target not in column:
            continue
        j = column[target]
        if status[j] in ("done", "cancelled"):
            continue
        rng = np.random.default_rng([seed, _RISKS, int(rid)])
        delay[:, j] += (rng.random(iterations) < chances[int(scale)]) * float(days)
    return delay


def _column(ids: np.ndarray, milestone_id: int) -> int:
    found = np.flatnonzero(ids == milestone_id)
    if not len(found):
        raise InvalidRecord(
            [Problem("milestone_id", milestone_id, t("schedule.error.not_simulated"))]
        )
    return int(found[0])


def _empty() -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    return df.astype(
        {
            "id": "int64",
            "depends_on": "Int64",
            "estimated": "bool",
            "p_baseline": "float64",
            "p_current": "float64",
            "p80_vs_current_days": "int64",
        }
    )


def _iso(value: Any) -> str:
    day = frames.day(value)
    return "" if day is None else day.isoformat()


def _percent(value: float) -> str:
    return f"{value:.0%}"
