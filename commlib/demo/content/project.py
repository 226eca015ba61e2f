"""The two projects (client, goals, scope, team), their stakeholders, their milestones and the
communication plan."""

from __future__ import annotations

from typing import NamedTuple

from . import Tx

SH, BER, LON, NYC = "Asia/Shanghai", "Europe/Berlin", "Europe/London", "America/New_York"

# --- the two projects -------------------------------------------------------------------


class Setting(NamedTuple):
    client: str
    domain: str  # the client's e-mail domain
    timezone: str  # where the client works; meetings are held in this zone
    goals: tuple[str, ...]
    in_scope: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    team: tuple[str, ...]  # our consultants; the first is the project manager
    team_addresses: tuple[str, ...]
    words: dict[str, str]  # fills {system}, {site1}... in the bilingual tables below
    notes: str
    platform: str  # survey platform
    cost_unit: float  # costs in the tables are in thousands of this


SETTINGS = {
    "zh": Setting(
        client="上海华辰智能制造有限公司",
        domain="huachen-im.com.cn",
        timezone=SH,
        goals=(
            "在一号工厂和二号工厂上线新版 MES 系统",
            "生产报表从 T+1 提升为实时可视化",
            "近 3 年历史数据完整迁移，准确率不低于 99.9%",
            "关键用户培训覆盖率 100%",
        ),
        in_scope=(
            "生产计划与排程模块",
            "质量管理与批次追溯",
            "历史数据迁移与清洗",
            "与 SAP 的订单及库存接口",
            "关键用户培训",
            "上线后 4 周驻场支持",
        ),
        out_of_scope=(
            "仓储管理（WMS）改造",
            "设备物联网传感器采购",
            "海外工厂推广",
        ),
        team=("林晓", "郭涛", "何佳", "罗斌"),
        team_addresses=("nimbus-consulting.com", "lin.xiao@nimbus-consulting.com"),
        words={"system": "MES", "site1": "一号工厂", "site2": "二号工厂", "erp": "SAP"},
        notes="【内部】客户付款与里程碑验收挂钩，验收签字要及时推动。",
        platform="wenjuanxing",
        cost_unit=1000.0,
    ),
    "en": Setting(
        client="Harbourside Logistics Ltd",
        domain="harbourside-logistics.co.uk",
        timezone=LON,
        goals=(
            "Go live with the new WMS at the Felixstowe and Leeds warehouses",
            "Cut order-to-dispatch time by 20%",
            "Migrate three years of inventory history, fully reconciled",
            "Train every shift supervisor before go-live",
        ),
        in_scope=(
            "Inbound receiving and put-away",
            "Picking, packing and dispatch",
            "Interface to Dynamics 365 for orders and stock",
            "Inventory data migration and cleansing",
            "Key-user and supervisor training",
            "Four weeks of on-site hypercare",
        ),
        out_of_scope=(
            "Transport management system",
            "Buying handheld scanners",
            "Rollout to the Rotterdam site",
        ),
        team=("Sarah Mitchell", "Tom Becker", "Priya Nair", "Daniel Okafor"),
        team_addresses=("nimbus-consulting.com", "sarah.mitchell@nimbus-consulting.com"),
        words={"system": "WMS", "site1": "Felixstowe", "site2": "Leeds", "erp": "Dynamics 365"},
        notes="[Internal] Invoices are tied to milestone sign-off; chase acceptance promptly.",
        platform="qualtrics",
        cost_unit=150.0,
    ),
}


# The tables below are kept compact on purpose: one row per record, (zh, en) pairs together.
# fmt: off

# --- stakeholders -----------------------------------------------------------------------


class Person(NamedTuple):
    key: str  # the person's part in the story, the same in both projects
    name: str
    role: str
    email: str  # local part; the domain is the client's
    channel: str  # preferred channel
    timezone: str
    power: int
    interest: int
    engagement: tuple[tuple[int, str], ...]  # (day of the project, engagement from then on)
    desired: str
    weight: float  # how often they are contacted
    quiet: int = 0  # not contacted in the last ``quiet`` days (0: contacted throughout)
    notes: str = ""
    organisation: str = ""  # default: the client


PEOPLE: dict[str, tuple[Person, ...]] = {
    "zh": (
        Person("sponsor", "张伟", "副总裁（项目发起人）", "zhang.wei", "meeting", SH, 5, 4,
               ((0, "supportive"), (120, "leading")), "leading", 1.0),
        Person("it", "李娜", "信息部总监", "li.na", "video", SH, 5, 5,
               ((0, "supportive"), (60, "leading")), "leading", 5.0),
        Person("ops", "王强", "生产部经理", "wang.qiang", "phone", SH, 4, 5,
               ((0, "resistant"), (75, "neutral"), (150, "supportive")), "supportive", 4.0,
               notes="对变更比较敏感，重要事项先电话沟通，再发书面确认。"),
        Person("quality", "陈静", "质量部主管", "chen.jing", "im", SH, 3, 4,
               ((0, "neutral"), (100, "supportive")), "supportive", 3.0),
        Person("itops", "杨帆", "IT 运维工程师", "yang.fan", "im", SH, 2, 4,
               ((0, "supportive"),), "supportive", 4.0),
        Person("finance", "赵磊", "财务经理", "zhao.lei", "email", SH, 4, 2,
               ((0, "neutral"),), "supportive", 1.5,
               notes="关注预算，提变更请求前要准备好成本估算。"),
        Person("procurement", "黄敏", "采购经理", "huang.min", "email", SH, 3, 1,
               ((0, "neutral"),), "neutral", 0.6, quiet=95),
        Person("manager1", "周杰", "一号工厂厂长", "zhou.jie", "phone", SH, 4, 3,
               ((0, "neutral"), (140, "supportive")), "supportive", 1.5),
        Person("keyuser", "吴婷", "计划员（关键用户）", "wu.ting", "im", SH, 1, 5,
               ((0, "supportive"), (130, "leading")), "leading", 4.0),
        Person("hq", "徐明", "集团 SAP 顾问", "xu.ming", "email", BER, 3, 3,
               ((0, "neutral"),), "supportive", 0.6, quiet=80,
               notes="常驻德国，时差 6–7 小时，以邮件沟通为主。",
               organisation="华辰欧洲有限公司"),
        Person("manager2", "马超", "二号工厂厂长", "ma.chao", "phone", SH, 4, 3,
               ((0, "resistant"), (110, "neutral")), "supportive", 1.2,
               notes="【内部】对分阶段上线有意见（二号工厂排在后面），"
                     "需要张伟出面协调。"),
        Person("hr", "孙丽", "人力资源部培训主管", "sun.li", "email", SH, 2, 3,
               ((0, "unaware"), (40, "neutral")), "supportive", 0.5, quiet=70),
    ),
    "en": (
        Person("sponsor", "Margaret Hale", "Chief Operating Officer (sponsor)", "margaret.hale",
               "meeting", LON, 5, 4, ((0, "supportive"), (110, "leading")), "leading", 1.0),
        Person("it", "James Whitfield", "IT Director", "james.whitfield", "video", LON, 5, 5,
               ((0, "supportive"), (70, "leading")), "leading", 5.0),
        Person("ops", "Olivia Grant", "Head of Warehouse Operations", "olivia.grant", "phone",
               LON, 4, 5, ((0, "resistant"), (80, "neutral"), (155, "supportive")),
               "supportive", 4.0,
               notes="Sensitive about changes to shift patterns; call her before writing."),
        Person("quality", "Chloe Evans", "Inventory Control Lead", "chloe.evans", "im", LON, 3, 4,
               ((0, "neutral"), (100, "supportive")), "supportive", 3.0),
        Person("itops", "Marcus Reid", "Integration Lead", "marcus.reid", "im", LON, 2, 4,
               ((0, "supportive"),), "supportive", 4.0),
        Person("finance", "Raj Patel", "Finance Business Partner", "raj.patel", "email", LON, 4, 2,
               ((0, "neutral"),), "supportive", 1.5,
               notes="Wants a cost estimate before any change request is raised."),
        Person("procurement", "Michael Turner", "Procurement Manager", "michael.turner", "email",
               LON, 3, 1, ((0, "neutral"),), "neutral", 0.6, quiet=95),
        Person("manager1", "Emily Carter", "Site Manager, Felixstowe", "emily.carter", "phone", LON,
               4, 3, ((0, "neutral"), (140, "supportive")), "supportive", 1.5),
        Person("keyuser", "Sophie Wright", "Shift Supervisor (key user)", "sophie.wright", "im",
               LON, 1, 5, ((0, "supportive"), (130, "leading")), "leading", 4.0),
        Person("hq", "Laura Kim", "VP Supply Chain", "laura.kim", "email", NYC, 3, 3,
               ((0, "neutral"),), "supportive", 0.6, quiet=80,
               notes="Based in New York; prefers short written summaries.",
               organisation="Harbourside Group Inc."),
        Person("manager2", "Gareth Owen", "Site Manager, Leeds", "gareth.owen", "phone", LON, 4, 3,
               ((0, "resistant"), (110, "neutral")), "supportive", 1.2,
               notes="[Internal] Unhappy that Leeds goes live second; needs Margaret to back "
                     "the phasing."),
        Person("hr", "Hannah Lewis", "Training & Development Manager", "hannah.lewis", "email",
               LON, 2, 3, ((0, "unaware"), (40, "neutral")), "supportive", 0.5, quiet=70),
    ),
}

# --- milestones -------------------------------------------------------------------------


class MilestoneRow(NamedTuple):
    key: str
    name: Tx
    type: str
    day: int  # baseline, in days from the start; -1: the project's end
    description: Tx
    notes: Tx = ("", "")


MILESTONES = (
    MilestoneRow("requirements", ("需求规格说明书", "Requirements specification"),
                 "deliverable", 35,
                 ("经双方确认的需求清单及优先级。",
                  "Agreed list of requirements with priorities.")),
    MilestoneRow("design", ("方案设计评审通过", "Solution design sign-off"), "milestone", 63,
                 ("{system}总体方案及接口设计获客户书面确认。",
                  "The client signs off the {system} solution and interface design.")),
    MilestoneRow("migration",
                 ("数据迁移方案及试迁移报告", "Data migration plan and trial load report"),
                 "deliverable", 100,
                 ("迁移范围、清洗规则、两轮试迁移结果。",
                  "Migration scope, cleansing rules and the results of two trial loads.")),
    MilestoneRow("sit", ("系统集成测试完成", "System integration testing complete"),
                 "milestone", 135,
                 ("端到端流程及{erp}接口测试通过。",
                  "End-to-end flows and the {erp} interfaces pass testing.")),
    MilestoneRow("uat", ("用户验收测试报告", "User acceptance test report"),
                 "deliverable", 170,
                 ("关键用户执行并签字确认的验收测试结果。",
                  "Acceptance test results run and signed by the key users.")),
    MilestoneRow("training", ("关键用户培训完成", "Key-user training complete"),
                 "milestone", 195,
                 ("所有关键用户完成培训并通过考核。",
                  "Every key user is trained and has passed the assessment.")),
    MilestoneRow("gate",
                 ("内部质量门：上线准备度评审", "Internal quality gate: go-live readiness"),
                 "milestone", 205,
                 ("我方质量部门评审上线准备度。", "Our quality team reviews go-live readiness."),
                 ("【内部】结果仅供内部决策，不直接发给客户。",
                  "[Internal] For our own go/no-go only; not sent to the client.")),
    MilestoneRow("golive", ("{site1}正式上线", "Go-live at {site1}"), "milestone", 215,
                 ("{site1}切换到新系统并开始驻场支持。",
                  "{site1} switches to the new system; hypercare starts.")),
    MilestoneRow("acceptance", ("项目最终验收", "Final acceptance"), "deliverable", -1,
                 ("上线稳定运行后客户签署最终验收报告。",
                  "The client signs the final acceptance report after a stable run.")),
)

#: the data migration milestone slips by 14 days, decided at the status meeting on day 85
SLIP = ("migration", 14, 85)

# fmt: on

# --- the communication plan -------------------------------------------------------------

#: (audience: a quadrant or a person's key, zh, en, channel, cadence)
PLAN = (
    (
        "manage_closely",
        "项目周例会与进度汇报",
        "Weekly status meeting and progress report",
        "meeting",
        7,
    ),
    ("keep_satisfied", "双周高层简报", "Biweekly executive briefing", "email", 14),
    ("keep_informed", "项目双周报", "Fortnightly project newsletter", "email", 14),
    ("monitor", "月度项目通讯", "Monthly project bulletin", "email", 30),
    ("sponsor", "与项目发起人一对一沟通", "One-to-one with the sponsor", "meeting", 14),
    ("ops", "生产部上线准备电话会", "Go-live readiness call with operations", "phone", 7),
)
