"""Issues: the issue log (the I of a RAID log), its metrics, and issues raised from risks.

    from commlib.issues import IssueLog, open_issues, raise_from_risk

The widget (``widgets.py``) writes to the store; metrics (``metrics.py``) are pure functions
over ``store.frame("issues", project)``; ``from_risk.py`` turns a risk that occurred into
an issue.
"""

from .from_risk import issue_from_risk, raise_from_risk
from .metrics import (
    issues_by_age,
    open_issues,
    overdue_issues,
    problems_and_solutions,
    time_to_resolve,
)
from .widgets import IssueLog

__all__ = [
    "IssueLog",
    "issue_from_risk",
    "issues_by_age",
    "open_issues",
    "overdue_issues",
    "problems_and_solutions",
    "raise_from_risk",
    "time_to_resolve",
]
