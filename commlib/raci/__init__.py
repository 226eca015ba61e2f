"""Who does what: the RACI matrix of a project's milestones and deliverables.

    from commlib.raci import RaciMatrix, assign, check, raci_chart, raci_cells, raci_frame

    raci_frame(store, "华辰 ERP 升级")            # rows: milestones by due date; columns: people
    assign(store, "华辰 ERP 升级", "UAT 完成", "张伟", "A/R")    # one cell, one transaction
    check(store, "华辰 ERP 升级")                 # [Finding(level="error", ...), ...]
    raci_chart(raci_cells(store, "华辰 ERP 升级"), lang="zh")
    RaciMatrix(store, "华辰 ERP 升级")            # the grid to fill in, live in a session

Each role of a stakeholder on a milestone or deliverable is one stored ``Assignment`` (kind
``raci``: ``milestone``, ``stakeholder``, ``role`` R, A, C or I), so ``commlib export-csv``
writes them as ``raci.csv`` and ``import-csv`` reads them back. A cell holds nothing, one
role, or A and R together; never a role twice.

The rules (:func:`check`, documented in :func:`check_matrix`), over every milestone and
deliverable that is not cancelled: exactly one A and at least one R (errors); a warning for a
stakeholder with no role at all, and for a deliverable whose A is not on the client's side.
On the client's side means: the stakeholder who accepted that deliverable (``accepted_by``),
or one whose organisation and the project's client name, without case, spaces, punctuation
and legal forms (有限公司, 集团, Ltd, Inc., Group...), hold one another (:func:`client_side`).

- ``matrix.py``: reading (:func:`read_matrix`, :func:`raci_frame`, :func:`raci_cells`),
  writing (:func:`assign`, :func:`assign_all`) and the checks;
- ``charts.py``: :func:`raci_chart`, the matrix as a grid of letters (altair; offline);
- ``widgets.py``: :class:`RaciMatrix`, the ipywidgets grid with the findings under it.

The chart and the widget are loaded when first asked for (PEP 562), so reading and writing
the matrix imports neither altair nor ipywidgets.
"""

from typing import TYPE_CHECKING

from .. import _lazy
from .matrix import (
    CELL_CHOICES,
    ROLES,
    Finding,
    Findings,
    Matrix,
    assign,
    assign_all,
    cell_text,
    check,
    check_matrix,
    client_side,
    parse_roles,
    raci_cells,
    raci_frame,
    read_matrix,
)

if TYPE_CHECKING:
    from .charts import ROLE_COLOURS, raci_chart
    from .widgets import RaciMatrix

__getattr__, __dir__ = _lazy.attach(
    __name__, {"ROLE_COLOURS": "charts", "raci_chart": "charts", "RaciMatrix": "widgets"}
)

__all__ = [
    "CELL_CHOICES",
    "ROLES",
    "ROLE_COLOURS",
    "Finding",
    "Findings",
    "Matrix",
    "RaciMatrix",
    "assign",
    "assign_all",
    "cell_text",
    "check",
    "check_matrix",
    "client_side",
    "parse_roles",
    "raci_cells",
    "raci_chart",
    "raci_frame",
    "read_matrix",
]
