"""Meetings across time zones: how each stakeholder is addressed and when they work, the
vendor who joins from New York, the RACI matrix, the decisions still to take, and the
meetings (a three-party call being planned around China's next public holiday, the last
weekly meeting whose minutes wait for the client's confirmation)."""

from __future__ import annotations

from typing import NamedTuple

from . import Tx
from .project import NYC

# fmt: off

#: person key -> (form of address, working hours ("" = the default), etiquette notes);
#: the notes are internal by nature (they start with INTERNAL[lang] so that a leak shows)
MANNERS: dict[str, dict[str, tuple[str, str, str]]] = {
    "zh": {
        "sponsor": ("张总", "",
                    "【内部】正式场合称“张总”；重要决定先私下沟通再上会，不在群里催办。"),
        "it": ("李总监", "09:00-22:00",
               "【内部】可以晚上开跨时区会议，但请提前一天约；习惯会前先看书面材料。"),
        "ops": ("王经理", "08:00-17:00", "【内部】车间早班，上午沟通效果最好。"),
        "finance": ("赵经理", "", ""),
        "hq": ("徐博士", "", "【内部】德国同事习惯准时开始、准时结束，议程提前发。"),
        "vendor": ("Mr. Miller", "07:30-16:30",
                   "【内部】美方习惯直呼其名（David）；会议纪要请用英文发送。"),
    },
    "en": {
        "sponsor": ("Ms Hale", "", "[Internal] Wants a one-page summary before any meeting."),
        "it": ("James", "08:00-17:30", ""),
        "finance": ("Mr Patel", "", ""),
        "hq": ("Ms Kim", "08:00-17:00",
               "[Internal] Prefers short written summaries; avoid Friday afternoons."),
    },
}


class Vendor(NamedTuple):
    """A stakeholder outside the client: the software vendor's delivery manager."""

    key: str
    name: str
    role: Tx
    organisation: str
    email: str
    timezone: str
    language: str
    power: int
    interest: int


#: the third time zone of the Chinese project (the English one has London and New York)
VENDORS = {
    "zh": Vendor("vendor", "David Miller", ("MES 软件厂商交付经理", "MES vendor delivery manager"),
                 "Apex MES Inc.", "david.miller@apex-mes.example.com", NYC, "en", 3, 4),
}

#: milestone key -> (Accountable, Responsible..., Consulted..., Informed...) by person key
RACI: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "requirements": ("it", ("keyuser", "quality"), ("ops",), ("sponsor",)),
    "design": ("sponsor", ("it",), ("hq", "ops"), ("finance",)),
    "migration": ("it", ("itops",), ("hq", "vendor"), ("ops",)),
    "sit": ("sponsor", ("itops",), ("it", "hq", "vendor"), ("ops",)),
    "uat": ("it", ("keyuser",), ("quality", "ops"), ("sponsor",)),
    "training": ("sponsor", ("hr",), ("keyuser",), ("ops",)),
    "gate": ("it", ("quality",), ("ops",), ("sponsor",)),
    "golive": ("sponsor", ("ops", "it", "manager1"), ("itops",),
               ("finance", "procurement", "manager2")),
    "acceptance": ("sponsor", ("it",), ("finance",), ("hr",)),
}


class PendingDecision(NamedTuple):
    title: Tx
    decider: str  # client or team
    in_days: int  # needed by, in days from today
    notes: Tx = ("", "")


PENDING = (
    PendingDecision(("确认{site2}上线日期", "Confirm the go-live date at {site2}"), "client", 5),
    PendingDecision(("驻场支持人员排班方案", "Hypercare rota for the on-site team"), "team", 9,
                    ("【内部】先和{manager2}沟通，再给客户答复。",
                     "[Internal] Talk to {manager2} before we answer the client.")),
)


class PlannedMeeting(NamedTuple):
    title: Tx
    attendees: tuple[str, ...]  # person keys
    duration: int


#: the meeting being planned: in the week of China's next public holiday
PLANNED = {
    "zh": PlannedMeeting(("{system} 与 {erp} 接口三方会议",
                          "{system}–{erp} interface three-party call"),
                         ("it", "hq", "vendor"), 60),
    "en": PlannedMeeting(("Steering committee", "Steering committee"),
                         ("sponsor", "it", "hq"), 60),
}

#: the note on the minutes the client confirmed (which makes that meeting internal)
CONFIRMED_NOTE: Tx = ("【内部】确认邮件已归档；下次纪要当天发出。",
                      "[Internal] Confirmation filed; send the next minutes the same day.")

#: the introduction call with the vendor, this many days ago
VENDOR_CALL_DAYS = 20
VENDOR_CALL: Tx = ("与 {system} 厂商的接口对接会", "Interface kickoff with the {system} vendor")

# fmt: on
