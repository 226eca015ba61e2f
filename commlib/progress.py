"""Progress bars for long work — reports, the demo, large imports: what is done, the total and
the time left, with tqdm on stderr.

    with progress.bar(t("importers.progress"), unit="B", scale=True) as advance:
        import_files(store, paths, project, progress=advance)   # advance(done, total)

The Python API takes a ``progress(done, total)`` callback; the command line draws it. A bar is
drawn only where someone watches: when stderr is a terminal (``COMMLIB_PROGRESS=1`` draws it
anyway, ``COMMLIB_PROGRESS=0`` never), and only once the work has lasted half a second. It is
cleared when the work ends, so what stays on the terminal is the results.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

#: seconds of work before a bar appears
DELAY = 0.5

Progress = Callable[[float, float], None]
#: a bar of things counted one by one (reports): how many of how many, and the time left
_COUNTED = "{desc}: {n_fmt}/{total_fmt} |{bar}| {elapsed}<{remaining}"


def shown() -> bool:
    """Whether bars are drawn: ``COMMLIB_PROGRESS`` (1 or 0), else whether stderr is a terminal."""
    forced = os.environ.get("COMMLIB_PROGRESS", "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


@contextlib.contextmanager
def bar(
    label: str, *, unit: str = "", scale: bool = False, show: bool | None = None
) -> Iterator[Progress]:
    """Yields ``advance(done, total)``, which draws the bar (from its first call) at ``done``.

    ``unit``: what is counted (``"B"`` with ``scale=True``: bytes, shown as kB, MB); without
    one, the bar counts ``done/total``. ``show``: draw it or not (the command line's
    ``--progress/--no-progress``), whatever :func:`shown` says."""
    forced = show if show is not None else None
    if not (shown() if forced is None else forced):
        yield lambda done, total: None
        return
    from tqdm import tqdm

    drawn: list[Any] = []

    def advance(done: float, total: float) -> None:
        if not drawn:
            asked = bool(forced) or os.environ.get("COMMLIB_PROGRESS") == "1"
            counted = {} if unit else {"bar_format": _COUNTED}
            drawn.append(
                tqdm(
                    total=total,
                    desc=label,
                    unit=unit or "it",
                    unit_scale=scale,
                    delay=0 if asked else DELAY,
                    mininterval=0 if asked else 0.1,  # asked for: a log shows every step
                    miniters=1 if asked else None,
                    **counted,
                    leave=False,
                    file=sys.stderr,
                    dynamic_ncols=True,
                )
            )
        shown_bar = drawn[0]
        shown_bar.total = total
        shown_bar.update(min(done, total) - shown_bar.n)

    try:
        yield advance
    finally:
        if drawn:
            drawn[0].close()
