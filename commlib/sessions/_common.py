"""What the session modules share: a frame with fixed columns, and the
latest wave of each survey an audience may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from ..models import Project, Survey
    from ..store import Store


def frame_of(rows: Iterable[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """``rows`` as a frame with ``columns``, also when there are none."""
    return pd.DataFrame(list(rows), columns=columns)


def latest_surveys(store: Store, project: str | int | Project, audience: str) -> list[Survey]:
    """The latest wave of each survey of the project the audience may see."""
    from ..surveys import waves

    visible = set(store.frame("surveys", project, audience=audience)["id"].astype(int))
    table = waves(store, project)
    table = table[table["survey_id"].isin(visible)]
    latest = table.groupby("name", sort=False).tail(1)
    return [store.get("surveys", int(i)) for i in latest["survey_id"]]  # type: ignore[misc]
