"""commlib — the client-communication workbench (客户沟通工作台).

The public API, all importable from ``commlib``::

    from commlib import Store, Project, Stakeholder, Contact, Risk
    store = Store()                      # $COMMLIB_DB or data/workbench.db
    store.frame("contacts", project="ERP")

``import commlib`` first defers ``rfc3987_syntax``, which jsonschema (under altair) would
otherwise compile at import for 1-2.5 s; see ``commlib._lazy_iri``.
"""

from typing import TYPE_CHECKING

from . import (
    _lazy,
    _lazy_iri,  # noqa: F401  (importing it defers rfc3987_syntax; before any jsonschema)
)
from .errors import (
    AccessDenied,
    BadFile,
    CommlibError,
    Conflict,
    InvalidRecord,
    NotFound,
    NothingToShow,
    Problem,
    StoreError,
)
from .i18n import get_language, language, set_language, t

if TYPE_CHECKING:
    from .models import (
        KINDS,
        Assignment,
        Change,
        ChangeRequest,
        Contact,
        Decision,
        FollowUp,
        Issue,
        Lesson,
        Meeting,
        Milestone,
        PlanItem,
        Project,
        Question,
        Record,
        Response,
        Risk,
        Stakeholder,
        StatusOverride,
        Survey,
    )
    from .store import Store

#: loaded when first asked for (PEP 562): the records need pydantic, the store pandas and
#: SQLAlchemy, which ``commlib report`` should not wait for before its kernels start
_LAZY = {
    **dict.fromkeys(
        [
            "KINDS",
            "Assignment",
            "Change",
            "ChangeRequest",
            "Contact",
            "Decision",
            "FollowUp",
            "Issue",
            "Lesson",
            "Meeting",
            "Milestone",
            "PlanItem",
            "Project",
            "Question",
            "Record",
            "Response",
            "Risk",
            "Stakeholder",
            "StatusOverride",
            "Survey",
        ],
        "models",
    ),
    "Store": "store",
}


__getattr__, __dir__ = _lazy.attach(__name__, _LAZY)


__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "AccessDenied",
    "Assignment",
    "BadFile",
    "Change",
    "ChangeRequest",
    "CommlibError",
    "Conflict",
    "Contact",
    "Decision",
    "FollowUp",
    "InvalidRecord",
    "Issue",
    "Lesson",
    "Meeting",
    "Milestone",
    "NotFound",
    "NothingToShow",
    "PlanItem",
    "Problem",
    "Project",
    "Question",
    "Record",
    "Response",
    "Risk",
    "Stakeholder",
    "StatusOverride",
    "Store",
    "StoreError",
    "Survey",
    "__version__",
    "get_language",
    "language",
    "set_language",
    "t",
]
