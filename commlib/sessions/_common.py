"""What the session modules share: a frame with fixed columns, the latest wave of each
survey an audience may see, and the responses it may see of them."""

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


def seen_responses(
    store: Store, project: str | int | Project, surveys: list[Any], audience: str
) -> pd.DataFrame:
    """The wide frame of these surveys' responses, only the client-visible ones for a client
    (as the executive summary counts them: one NPS in a report, not two)."""
    from ..surveys import responses_frame

    frame = responses_frame(store, surveys)
    if audience == "client" and len(frame):
        shared = set(store.frame("responses", project, audience="client")["id"].astype(int))
        frame = frame[frame["response_id"].isin(shared)].reset_index(drop=True)
    return frame
