"""Demo data: two realistic projects to try the workbench on.

``build_demo(store)`` writes a project whose client speaks Chinese (all text in Simplified
Chinese) and one whose client speaks English. Each has six months of history behind it and
three months ahead: stakeholders, a communication log, follow-ups, milestones that slipped,
a risk register whose scores moved, three survey waves, change requests, decisions and
lessons. Client-visible and internal records are mixed; every internal record carries a note
that starts with ``INTERNAL[lang]``.

The data depends only on ``seed`` and ``today``: the same pair gives the same store, and every
moment (including ``created_at`` and the history) is set from them, never from the clock.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from .errors import Conflict
from .i18n import normalise, t
from .models import (
    ChangeRequest,
    Contact,
    Decision,
    FollowUp,
    Issue,
    Lesson,
    Milestone,
    PlanItem,
    Project,
    Question,
    Response,
    Risk,
    Stakeholder,
    Survey,
)
from .store import Store

Tx = tuple[str, str]  # the same text in Chinese and in English

DEMO_PROJECTS = {"zh": "华辰 MES 升级（演示）", "en": "Harbourside WMS rollout (demo)"}
LANGS = ("zh", "en")
SOURCE = "demo"
#: internal notes start with this; a record whose table note starts with it is internal
INTERNAL = {"zh": "【内部】", "en": "[Internal] "}

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

# --- what people talk about, phase by phase ---------------------------------------------


class Topic(NamedTuple):
    subject: Tx
    details: tuple[Tx, ...]
    action: Tx  # what someone promises to do next (becomes a follow-up)
    by_client: bool = False  # the client does it, not our team


#: (from day of the project, topics of that phase)
PHASES: tuple[tuple[int, tuple[Topic, ...]], ...] = (
    (0, (  # kickoff and requirements
        Topic(("项目启动安排", "Kickoff arrangements"), (
            ("确认了启动会议程、参会人员和项目章程草案。",
             "Agreed the kickoff agenda, attendees and the draft project charter."),
            ("双方确认了项目组织架构和各自的联系人。",
             "Both sides confirmed the project organisation and named contacts."),
        ), ("发送项目章程终稿", "send the final project charter")),
        Topic(("需求调研访谈", "Requirements workshops"), (
            ("完成{site1}关键部门的需求访谈，初步整理出 40 余条需求。",
             "Finished the workshops with the key teams at {site1}; about 40 requirements "
             "logged."),
            ("{site2}的访谈因生产任务推迟到下周。",
             "The {site2} workshops moved to next week because of operational load."),
        ), ("整理需求清单并请客户确认优先级", "circulate the requirements list for priorities")),
        Topic(("现状流程梳理", "Current process mapping"), (
            ("梳理了现有流程，发现两个工厂的报表口径不一致。",
             "Mapped the current processes; the two sites define key reports differently."),
            ("确认了与{erp}之间的主要数据流。",
             "Confirmed the main data flows to and from {erp}."),
        ), ("提交现状流程图", "send the as-is process maps")),
        Topic(("沟通计划", "Communication plan"), (
            ("确认了每周二例会、每月指导委员会和问题升级路径。",
             "Agreed the Tuesday status meeting, the monthly steering committee and the "
             "escalation path."),
            ("客户希望周报增加一页管理层摘要。",
             "The client asked for a one-page management summary in the weekly report."),
        ), ("更新沟通计划并发给全体干系人", "send the updated communication plan to everyone")),
        Topic(("系统访问与账号", "System access and accounts"), (
            ("申请了测试环境账号和 VPN，IT 部门承诺本周内开通。",
             "Requested test accounts and VPN access; IT will set them up this week."),
            ("部分顾问的 VPN 仍无法登录，已提交工单。",
             "Some consultants still cannot log in over VPN; a ticket is open."),
        ), ("跟进测试环境账号开通", "chase the test environment accounts")),
    )),
    (35, (  # design, build and data migration
        Topic(("方案设计评审", "Solution design review"), (
            ("评审了{system}总体方案，客户提出 3 条修改意见，主要集中在审批流程。",
             "Reviewed the {system} solution design; the client raised three changes, "
             "mostly on approval workflows."),
            ("方案设计文档第二版已发出，等待客户书面确认。",
             "Version 2 of the design document is out; waiting for written sign-off."),
        ), ("根据评审意见修改方案设计文档", "revise the design document after the review")),
        Topic(("数据迁移进度", "Data migration progress"), (
            ("第二轮试迁移完成，物料主数据匹配率达到 97%，"
             "剩余问题集中在批次号格式。",
             "Second trial load done; item master match rate is 97%, the remaining "
             "issues are batch number formats."),
            ("试迁移耗时超出预期，需要优化脚本并增加一次演练。",
             "The trial load took longer than planned; scripts need tuning and one more "
             "rehearsal."),
        ), ("提交试迁移报告", "send the trial load report")),
        Topic(("数据清洗问题", "Data cleansing issues"), (
            ("历史数据中发现大量重复编码，需要业务部门确认清洗规则。",
             "Found many duplicate codes in the legacy data; the business must confirm "
             "the cleansing rules."),
            ("约 8% 的历史记录缺少必填字段，客户同意由关键用户补录。",
             "About 8% of legacy records lack mandatory fields; key users agreed to fill "
             "them in."),
        ), ("确认数据清洗规则", "confirm the data cleansing rules"), by_client=True),
        Topic(("{erp}接口联调", "{erp} interface testing"), (
            ("订单接口联调通过，库存接口仍有字段映射问题。",
             "The order interface passed; the stock interface still has mapping issues."),
            ("{erp}方需要额外两周调整接口，影响联调计划。",
             "The {erp} team needs two more weeks for interface changes, which affects "
             "the test plan."),
        ), ("提供接口字段映射表", "provide the interface field mapping")),
        Topic(("系统配置进度", "Configuration progress"), (
            ("基础数据和权限配置已完成约 70%。",
             "Master data and permission setup is about 70% complete."),
            ("配置进度符合计划，本周演示了主要业务流程。",
             "Configuration is on plan; the main business flows were demonstrated."),
        ), ("安排配置成果演示", "schedule a demo of the configured flows")),
        Topic(("报表需求确认", "Report requirements"), (
            ("确认了 12 张核心报表的格式和口径。",
             "Confirmed layout and definitions for the 12 core reports."),
            ("管理层希望增加实时看板，需评估是否属于范围内。",
             "Management wants a real-time dashboard; we must check whether it is in "
             "scope."),
        ), ("评审报表原型", "review the report prototypes"), by_client=True),
    )),
    (100, (  # testing
        Topic(("系统集成测试", "System integration testing"), (
            ("集成测试执行率 85%，通过率 92%。",
             "Integration testing is 85% executed with a 92% pass rate."),
            ("端到端流程在{erp}过账环节失败，已定位原因。",
             "The end-to-end flow failed at the {erp} posting step; the cause is found."),
        ), ("修复集成测试缺陷并回归测试", "fix the integration defects and retest")),
        Topic(("用户验收测试安排", "UAT planning"), (
            ("确认了 UAT 测试人员、测试场景和时间表。",
             "Agreed UAT testers, scenarios and timetable."),
            ("部分测试人员因生产任务无法全程参加，需调整排班。",
             "Some testers cannot attend full-time because of operations; rotas need "
             "adjusting."),
        ), ("确认 UAT 测试人员名单", "confirm the list of UAT testers"), by_client=True),
        Topic(("缺陷处理进展", "Defect status"), (
            ("本周新增缺陷 12 个，关闭 18 个，剩余 2 个严重缺陷。",
             "12 new defects this week, 18 closed, 2 critical still open."),
            ("严重缺陷已全部关闭，剩余为界面类小问题。",
             "All critical defects are closed; only minor screen issues remain."),
        ), ("更新缺陷清单并发给客户", "send the updated defect log")),
        Topic(("测试环境稳定性", "Test environment stability"), (
            ("测试环境本周宕机两次，影响测试进度约一天。",
             "The test environment went down twice this week, costing about a day."),
            ("扩容后测试环境运行稳定。",
             "The test environment has been stable since it was scaled up."),
        ), ("与 IT 确认测试环境监控方案", "agree test environment monitoring with IT")),
        Topic(("变更请求评估", "Change request assessment"), (
            ("评估了新增追溯报表的工作量，约需 15 人天。",
             "Estimated the new traceability report at about 15 person-days."),
            ("客户要求在下次指导委员会前给出成本和进度影响。",
             "The client wants cost and schedule impact before the next steering "
             "committee."),
        ), ("提交变更请求的成本估算", "send a cost estimate for the change request")),
    )),
    (160, (  # training and go-live preparation
        Topic(("关键用户培训", "Key-user training"), (
            ("完成第一批关键用户培训，反馈较好。",
             "First round of key-user training done; feedback was good."),
            ("夜班人员培训需要单独安排场次。",
             "Night-shift staff need separate training sessions."),
        ), ("更新培训材料", "update the training material")),
        Topic(("上线切换计划", "Cutover plan"), (
            ("切换计划初稿已完成，需确认停机窗口。",
             "The first draft of the cutover plan is ready; the downtime window needs "
             "confirming."),
            ("客户同意在周末切换，预计停机 8 小时。",
             "The client agreed to a weekend cutover with about 8 hours of downtime."),
        ), ("确认上线切换时间窗口", "confirm the cutover window"), by_client=True),
        Topic(("上线准备度评估", "Go-live readiness"), (
            ("准备度检查表完成 80%，剩余项主要是权限和打印机配置。",
             "The readiness checklist is 80% done; open items are permissions and "
             "printers."),
            ("{site1}各部门已确认上线准备就绪。",
             "All teams at {site1} confirmed they are ready."),
        ), ("更新上线准备度检查表", "update the readiness checklist")),
        Topic(("用户操作手册", "User guides"), (
            ("操作手册初稿已发出，客户反馈截图不够清晰。",
             "First draft of the user guides is out; the client finds the screenshots "
             "unclear."),
            ("根据反馈补充了异常处理章节。",
             "Added a troubleshooting section based on feedback."),
        ), ("补充用户操作手册", "complete the user guides")),
        Topic(("上线后支持安排", "Hypercare arrangements"), (
            ("确认了上线后 4 周驻场支持和每日问题例会。",
             "Agreed four weeks of on-site hypercare with a daily issue call."),
            ("客户希望明确支持热线的响应时间。",
             "The client wants agreed response times for the support hotline."),
        ), ("提交上线后支持方案", "send the hypercare plan")),
    )),
)

KICKOFF = Topic(("项目启动会", "Project kickoff"), (
    ("全体干系人参加启动会，介绍了项目目标、范围、里程碑和沟通机制。",
     "All stakeholders attended; we covered goals, scope, milestones and how we will "
     "communicate."),
), ("发送启动会纪要", "send the kickoff minutes"))

#: how the client came across, by sentiment
CLAUSES: dict[int, tuple[Tx, ...]] = {
    2: (("客户对进展非常满意，对团队的投入表示肯定。",
         "The client was very pleased with progress and praised the team's commitment."),
        ("对方特别感谢团队响应及时。", "They especially thanked the team for quick answers.")),
    1: (("客户总体认可当前进展。", "The client is broadly happy with progress."),
        ("对方对沟通频率表示满意。", "They are happy with how often we communicate.")),
    0: (("双方确认了下一步工作安排。", "Both sides confirmed the next steps."),
        ("无重大分歧。", "No major disagreements.")),
    -1: (("客户对进度表示担忧，希望加强沟通。",
          "The client is worried about the schedule and wants more frequent updates."),
         ("对方认为文档不够详细。", "They feel the documentation lacks detail.")),
    -2: (("客户对问题反复出现表示不满，要求提交整改计划。",
          "The client is unhappy that issues keep recurring and asked for a remediation "
          "plan."),
         ("对方明确表示对响应速度不满意。", "They said plainly that we answer too slowly.")),
}

#: how each kind of contact reads: (subject, summary)
TEMPLATES: dict[str, tuple[Tx, Tx]] = {
    "kickoff": (("{topic}", "{topic}"),
                ("参会：{names}。{detail}", "Attendees: {names}. {detail}")),
    "weekly": (("周例会：{topic}", "Weekly status: {topic}"),
               ("参会：{names}。{detail}{clause}下一步：{owner}负责{action}。",
                "Attendees: {names}. {detail} {clause} Next: {owner} to {action}.")),
    "steering": (("指导委员会：{topic}", "Steering committee: {topic}"),
                 ("参会：{names}。汇报了整体进度、预算和主要风险。{detail}{clause}",
                  "Attendees: {names}. Reported progress, budget and top risks. {detail} "
                  "{clause}")),
    "email_in": (("关于{topic}的问题", "Question about {topic_l}"),
                 ("{name}来信询问{topic}。{detail}{clause}",
                  "{name} wrote asking about {topic_l}. {detail} {clause}")),
    "email_reply": (("回复：关于{topic}的问题", "RE: Question about {topic_l}"),
                    ("答复{name}：{detail}下一步：{owner}负责{action}。",
                     "Replied to {name}: {detail} Next: {owner} to {action}.")),
    "email_out": (("【进展通报】{topic}", "Update: {topic}"),
                  ("向{names}通报{topic}：{detail}",
                   "Sent {names} an update on {topic_l}: {detail}")),
    "phone": (("电话：{topic}", "Call: {topic}"),
              ("与{name}电话沟通{topic}。{detail}{clause}",
               "Call with {name} about {topic_l}. {detail} {clause}")),
    "im": (("企业微信：{topic}", "Teams chat: {topic}"),
           ("{name}在企业微信上询问{topic}，已答复。{clause}",
            "{name} asked on Teams about {topic_l}; answered. {clause}")),
    "video": (("视频会议：{topic}", "Video call: {topic}"),
              ("与{names}视频会议讨论{topic}。{detail}{clause}",
               "Video call with {names} on {topic_l}. {detail} {clause}")),
}

CONTACT_NOTES: tuple[Tx, ...] = (
    ("【内部】{name}私下透露预算审批可能推迟，先不要写进周报。",
     "[Internal] {name} hinted off the record that budget approval may slip; keep it out "
     "of the status report."),
    ("【内部】{name}对方案仍有抵触，建议请项目发起人出面协调。",
     "[Internal] {name} still resists the solution; suggest the sponsor steps in."),
    ("【内部】我方数据迁移人力不足，需要内部协调增援。",
     "[Internal] We are short of data migration capacity; arrange backup internally."),
    ("【内部】客户对报价敏感，相关变更请求需先做内部成本评审。",
     "[Internal] The client is price-sensitive; review costs internally before raising "
     "the change request."),
    ("【内部】{name}可能年底调岗，需尽早培养接替人员。",
     "[Internal] {name} may change roles at year end; start preparing a replacement."),
)

FOLLOW_UP_NOTES: tuple[Tx, ...] = (
    ("【内部】客户方负责人已多次延期，需在周例会上提醒。",
     "[Internal] The client owner has postponed this several times; raise it at the "
     "status meeting."),
    ("【内部】涉及合同条款，回复前先请法务确认。",
     "[Internal] Touches the contract terms; check with legal before replying."),
)

# --- milestones, risks, changes, decisions, lessons ---------------------------------------


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

CATEGORIES: dict[str, Tx] = {
    "schedule": ("进度", "Schedule"),
    "data": ("数据", "Data"),
    "tech": ("技术", "Technical"),
    "people": ("资源", "Resources"),
    "stake": ("干系人", "Stakeholders"),
    "scope": ("范围", "Scope"),
    "budget": ("预算", "Budget"),
    "vendor": ("供应商", "Vendor"),
    "compliance": ("合规", "Compliance"),
}


class RiskRow(NamedTuple):
    title: Tx
    category: str
    probability: int
    impact: int
    trigger: Tx
    mitigation: Tx
    contingency: Tx
    cost: float | None  # thousands of the project's currency
    status: str  # where the risk ends up by today
    owner: str  # a stakeholder's key, or "@n" for our n-th consultant
    day: int  # raised on this day of the project
    notes: Tx = ("", "")


RISKS = (
    RiskRow(("关键用户无法脱产参与项目", "Key users cannot be released from daily work"),
            "people", 3, 4,
            ("关键用户连续两周缺席工作坊", "Key users miss workshops two weeks running"),
            ("与部门经理约定关键用户每周固定投入两天",
             "Agree two fixed days a week for key users with their managers"),
            ("由我方顾问准备测试用例，关键用户只负责确认",
             "Our consultants write the test cases; key users only review them"),
            None, "mitigating", "ops", 5),
    RiskRow(("历史数据质量差导致迁移延期", "Poor legacy data delays the migration"),
            "data", 3, 4,
            ("试迁移匹配率低于 95%", "Trial load match rate below 95%"),
            ("提前做数据画像，业务方指定数据负责人",
             "Profile the data early; the business names a data owner"),
            ("增加一轮试迁移，里程碑顺延", "Add a trial load and move the milestone"),
            60, "occurred", "@3", 10),
    RiskRow(("{erp}接口规格后期变更", "Late changes to the {erp} interface spec"),
            "tech", 3, 4,
            ("{erp}方发布新版接口文档", "The {erp} team issues a new interface spec"),
            ("冻结接口版本，变更走变更流程",
             "Freeze the interface version; changes go through change control"),
            ("预留一周缓冲用于接口返工", "Keep a week of buffer for interface rework"),
            None, "closed", "@1", 20),
    RiskRow(("测试环境不稳定", "Unstable test environment"), "tech", 2, 3,
            ("测试环境一周内宕机超过一次", "Test environment down more than once in a week"),
            ("扩容并开启监控告警", "Scale up and switch on monitoring alerts"),
            ("临时使用培训环境进行测试", "Test on the training environment for a while"),
            None, "occurred", "itops", 60),
    RiskRow(("生产部门对新系统有抵触", "Operations resist the new system"), "stake", 3, 5,
            ("生产部门拒绝参加需求确认", "Operations decline to confirm requirements"),
            ("请发起人出面沟通，邀请生产骨干参与设计",
             "Ask the sponsor to talk to them; involve senior operators in design"),
            ("推迟该部门上线，先在试点线运行", "Delay their go-live and run a pilot first"),
            None, "mitigating", "@0", 8,
            ("【内部】主要阻力来自{ops}，对外材料中不要点名。",
             "[Internal] Resistance comes mainly from {ops}; do not name her in client "
             "material.")),
    RiskRow(("项目预算超支", "Budget overrun"), "budget", 2, 4,
            ("累计成本超过预算的 90%", "Cumulative cost passes 90% of budget"),
            ("每月与财务核对成本，变更请求附成本估算",
             "Monthly cost review with finance; every change request carries an estimate"),
            ("与发起人协商削减低优先级范围",
             "Agree with the sponsor to drop low-priority scope"),
            120, "mitigating", "@0", 15),
    RiskRow(("硬件交付延迟", "Late hardware delivery"), "vendor", 2, 3,
            ("供应商未按期确认发货", "Supplier does not confirm shipment on time"),
            ("提前下单并每周跟踪物流", "Order early and track shipping weekly"),
            ("租用临时设备", "Rent temporary devices"),
            25, "closed", "procurement", 25),
    RiskRow(("上线窗口与生产旺季冲突", "Go-live clashes with peak season"), "schedule", 3, 5,
            ("业务部门预测旺季提前", "The business forecasts an earlier peak"),
            ("与业务部门确认旺季日历，预留备选窗口",
             "Confirm the peak calendar and keep a fallback window"),
            ("上线推迟到旺季之后", "Move go-live to after the peak"),
            90, "open", "sponsor", 40),
    RiskRow(("关键人员离职", "Key client staff leave"), "people", 2, 4,
            ("关键用户提出调岗或离职", "A key user asks to move roles or resigns"),
            ("每个模块培养一名后备关键用户", "Train a backup key user for every module"),
            ("由我方顾问临时承担，并补充知识转移",
             "Our consultants cover for a while and add knowledge transfer"),
            None, "open", "@0", 70,
            ("【内部】{keyuser}可能年底调岗。",
             "[Internal] {keyuser} may change roles at year end.")),
    RiskRow(("需求范围蔓延", "Scope creep"), "scope", 3, 3,
            ("每周新增需求超过 3 条", "More than three new requests a week"),
            ("严格执行变更流程，每周评审需求清单",
             "Enforce change control; review the requirements list weekly"),
            ("与发起人重新确认范围基线", "Re-confirm the scope baseline with the sponsor"),
            None, "mitigating", "@0", 30),
    RiskRow(("报表性能不达标", "Reports too slow"), "tech", 2, 3,
            ("核心报表响应时间超过 5 秒", "Core reports take more than 5 seconds"),
            ("提前做性能测试并优化索引", "Performance-test early and tune indexes"),
            ("改为夜间预计算", "Switch to overnight pre-calculation"),
            None, "open", "@1", 120),
    RiskRow(("{site2}网络带宽不足", "Not enough network bandwidth at {site2}"),
            "tech", 2, 4,
            ("压测时网络延迟超过 200 毫秒", "Latency above 200 ms in load tests"),
            ("IT 部门升级专线带宽", "IT upgrades the leased line"),
            ("部分功能改为本地缓存", "Cache some functions locally"),
            30, "closed", "itops", 35),
    RiskRow(("夜班人员培训覆盖不足", "Night-shift staff miss training"), "people", 3, 3,
            ("培训签到率低于 80%", "Training attendance below 80%"),
            ("按班次安排培训并录制视频", "Schedule sessions per shift and record them"),
            ("上线首周安排夜班现场支持",
             "Provide night-shift floor support in go-live week"),
            12, "mitigating", "hr", 140),
    RiskRow(("数据安全与权限合规", "Data protection and access compliance"),
            "compliance", 2, 4,
            ("审计发现权限分配不符合职责分离",
             "An audit finds access breaks segregation of duties"),
            ("上线前完成权限矩阵评审", "Review the access matrix before go-live"),
            ("上线后两周内整改权限", "Fix access within two weeks of go-live"),
            None, "closed", "it", 50),
    RiskRow(("设计问题决策缓慢", "Slow decisions on open design questions"), "stake", 3, 3,
            ("未决问题超过两周未关闭", "Open questions older than two weeks"),
            ("每周例会专项跟踪未决问题", "Track open questions at every status meeting"),
            ("升级到指导委员会决策", "Escalate to the steering committee"),
            None, "closed", "@0", 28),
    RiskRow(("我方顾问被抽调到其他项目", "Our consultants pulled onto other projects"),
            "people", 2, 4,
            ("资源经理通知人员调整", "The resource manager announces a staffing change"),
            ("与交付总监锁定核心人员到上线后",
             "Lock core staff with the delivery director until after go-live"),
            ("启用后备顾问并安排交接", "Bring in a backup consultant with a handover"),
            None, "mitigating", "@0", 75,
            ("【内部】公司内部资源紧张，不对客户提及。",
             "[Internal] Staffing is tight across the firm; do not mention to the client.")),
    RiskRow(("主数据编码规则不统一", "Master data codes differ between sites"),
            "data", 3, 4,
            ("两个工厂同一物料编码不同",
             "The same item has different codes at the two sites"),
            ("制定统一编码规则并由业务方确认",
             "Agree one coding standard, signed off by the business"),
            ("上线时使用映射表过渡", "Bridge with a mapping table at go-live"),
            None, "closed", "quality", 18),
    RiskRow(("切换期间业务中断", "Business disruption during cutover"), "schedule", 2, 5,
            ("切换演练超时", "The cutover rehearsal overruns"),
            ("做两次切换演练并准备回退方案",
             "Run two rehearsals and prepare a rollback plan"),
            ("启用回退方案，恢复旧系统运行", "Roll back and run on the old system"),
            200, "open", "@1", 150),
    RiskRow(("验收标准不明确", "Unclear acceptance criteria"), "scope", 3, 3,
            ("测试用例缺少预期结果", "Test cases lack expected results"),
            ("与关键用户共同编写验收标准", "Write acceptance criteria with the key users"),
            ("由指导委员会裁定争议", "The steering committee settles disputes"),
            None, "closed", "keyuser", 95),
    RiskRow(("软件许可费用上涨", "Licence fees rise at renewal"), "budget", 2, 2,
            ("供应商发布新价目表", "The vendor issues a new price list"),
            ("提前锁定三年许可价格", "Lock licence prices for three years now"),
            ("减少非核心模块许可数量", "Cut licences for non-core modules"),
            40, "open", "finance", 100),
)


class ChangeRow(NamedTuple):
    title: Tx
    description: Tx
    requested_by: str
    requested: int  # day of the project (negative: days before today)
    schedule_days: int
    cost: float  # thousands
    decision: str
    decided: int | None
    decided_by: str
    milestones: tuple[str, ...]  # the milestones it moves (when approved)
    notes: Tx = ("", "")


CHANGES = (
    ChangeRow(("增加批次追溯报表", "Add a batch traceability report"),
              ("质量部要求按批次从原材料追溯到成品，需新增报表及接口字段。",
               "Quality wants to trace stock by batch from receipt to dispatch; needs a new "
               "report and extra interface fields."),
              "quality", 105, 14, 48, "approved", 118, "sponsor", ("uat",)),
    ChangeRow(("{site2}提前上线", "Bring the {site2} go-live forward"),
              ("{site2}希望与{site1}同时上线，需要第二套切换团队。",
               "{site2} wants to go live with {site1}, which needs a second cutover team."),
              "manager2", 88, 0, 150, "rejected", 102, "sponsor", ("golive",)),
    ChangeRow(("与现有仓储系统对接", "Interface to the yard management system"),
              ("不在原范围内，需额外开发和测试接口。",
               "Not in the original scope; needs extra interface development and testing."),
              "it", 60, 30, 260, "deferred", 75, "sponsor", ("golive",)),
    ChangeRow(("增加夜班培训场次", "Extra training sessions for night shifts"),
              ("夜班人员无法参加白天培训，需增加 4 场夜间培训。",
               "Night-shift staff cannot attend daytime sessions; add four evening "
               "sessions."),
              "ops", 150, 7, 12, "approved", 157, "it", ("training",)),
    ChangeRow(("移动端审批功能", "Mobile approvals"),
              ("主管希望在手机上审批异常单据。",
               "Supervisors want to approve exceptions on their phones."),
              "manager1", -10, 10, 80, "pending", None, "", ("golive",)),
    ChangeRow(("报表性能优化（草案）", "Report performance tuning (draft)"),
              ("核心报表预计算，降低高峰期响应时间。",
               "Pre-calculate the core reports to cut response times at peak."),
              "it", -4, 7, 35, "pending", None, "", (),
              ("【内部】先与{finance}沟通预算再正式提交。",
               "[Internal] Talk budget through with {finance} before submitting.")),
)


class DecisionRow(NamedTuple):
    title: Tx
    description: Tx
    day: int
    decided_by: str  # a stakeholder's key, or "@n"
    meeting: str | None  # taken at the meeting of this kind nearest to ``day``
    notes: Tx = ("", "")


DECISIONS = (
    DecisionRow(("分阶段上线：{site1}先行，{site2}随后",
                 "Phased go-live: {site1} first, then {site2}"),
                ("降低切换风险，{site2}在{site1}稳定运行 4 周后上线。",
                 "Lowers cutover risk; {site2} follows once {site1} has run smoothly for "
                 "four weeks."),
                30, "sponsor", "steering"),
    DecisionRow(("需求基线冻结", "Requirements baselined"),
                ("需求规格说明书确认后，新需求一律走变更流程。",
                 "After sign-off, new requirements go through change control."),
                40, "it", "weekly"),
    DecisionRow(("历史数据只迁移近 3 年", "Migrate only the last three years of history"),
                ("更早的数据归档到只读库，可按需查询。",
                 "Older data goes to a read-only archive that can be queried on demand."),
                80, "sponsor", "steering"),
    DecisionRow(("数据迁移里程碑顺延两周", "Data migration milestone moves two weeks"),
                ("为完成数据清洗增加一轮试迁移，里程碑顺延 14 天，上线日期不变。",
                 "One more trial load to finish cleansing; the milestone moves 14 days, "
                 "go-live stays."),
                85, "it", "weekly"),
    DecisionRow(("增加一名数据迁移顾问", "Add a data migration consultant"),
                ("从其他项目调配一名顾问支援数据迁移六周。",
                 "Move a consultant from another project onto data migration for six "
                 "weeks."),
                88, "@0", None,
                ("【内部】费用由我方承担，不向客户报价。",
                 "[Internal] At our cost; not quoted to the client.")),
    DecisionRow(("UAT 由关键用户主导", "Key users lead UAT"),
                ("关键用户负责执行和签字，我方提供现场支持。",
                 "Key users run and sign off the tests; we support on site."),
                125, "it", "weekly"),
    DecisionRow(("切换安排在周末进行", "Cutover over a weekend"),
                ("周六 18:00 开始停机，周日中午前恢复生产。",
                 "Downtime starts Saturday 18:00; operations resume by Sunday noon."),
                170, "ops", "weekly"),
)


class LessonRow(NamedTuple):
    category: Tx
    title: Tx
    what_happened: Tx
    recommendation: Tx
    day: int
    notes: Tx = ("", "")


LESSONS = (
    LessonRow(("沟通", "Communication"),
              ("管理层需要一页纸摘要", "Executives need a one-page summary"),
              ("详细周报管理层很少阅读，指导委员会上反复询问同样的问题。",
               "Executives rarely read the detailed weekly report and asked the same "
               "questions at every steering committee."),
              ("周报开头放一页摘要：进度、主要风险、需要的决定。",
               "Open the weekly report with one page: progress, top risks, decisions "
               "needed."),
              45),
    LessonRow(("数据", "Data"), ("数据清洗要尽早启动", "Start data cleansing early"),
              ("重复编码和缺失字段在第二轮试迁移才暴露，里程碑顺延两周。",
               "Duplicate codes and missing fields only surfaced in the second trial load; "
               "the milestone moved two weeks."),
              ("需求阶段就做数据画像，并指定业务方的数据负责人。",
               "Profile the data during requirements and name a data owner in the "
               "business."),
              95),
    LessonRow(("干系人", "Stakeholders"),
              ("尽早识别并争取持保留意见的人", "Find and win over sceptics early"),
              ("生产部门负责人到设计评审时才提出反对，返工约一周。",
               "The operations lead only objected at the design review; about a week of "
               "rework."),
              ("启动阶段逐一访谈权力高的干系人，记录其顾虑。",
               "Interview every high-power stakeholder one-to-one at kickoff; log "
               "concerns."),
              110,
              ("【内部】涉及具体人员，不对客户分享。",
               "[Internal] Names people; not for the client.")),
    LessonRow(("测试", "Testing"),
              ("测试环境需要监控和扩容预案",
               "Test environments need monitoring and headroom"),
              ("系统集成测试期间测试环境多次宕机，损失约三个工作日。",
               "The test environment went down several times during SIT; about three "
               "days lost."),
              ("测试开始前做容量评估并开启监控告警。",
               "Size the environment before testing and switch on monitoring alerts."),
              140),
    LessonRow(("范围", "Scope"), ("范围外需求要及时登记", "Log out-of-scope requests at once"),
              ("几项口头答应的小需求累积成可观的额外工作量。",
               "Several small requests agreed verbally added up to real extra work."),
              ("任何范围外需求当天登记为变更请求，哪怕工作量很小。",
               "Log every out-of-scope request as a change request the same day."),
              150,
              ("【内部】我方顾问曾口头答应客户，需要内部提醒。",
               "[Internal] One of our consultants agreed these verbally; remind the team.")),
    LessonRow(("培训", "Training"), ("轮班人员要单独安排培训", "Plan training around shifts"),
              ("夜班人员无法参加白天培训，导致覆盖率不足。",
               "Night-shift staff could not attend daytime sessions, so coverage fell "
               "short."),
              ("按班次排培训，并录制视频供补课。",
               "Schedule sessions per shift and record them for catch-up."),
              165),
)

# fmt: on

# --- surveys ----------------------------------------------------------------------------

SURVEY_NAME: Tx = ("项目满意度调查", "Project satisfaction survey")
SURVEY_TEMPLATE: Tx = ("客户满意度模板 v2", "Client satisfaction v2")
#: (wave, opened on day, milestone it follows, mean satisfaction 1..5)
WAVES = (("W1", 45, "requirements", 3.2), ("W2", 105, "migration", 3.5), ("W3", 165, "sit", 3.9))
WAVE_NOTE: Tx = (
    "【内部】结果尚未与客户复盘，复盘前不对外分享。",
    "[Internal] Results not yet reviewed with the client; do not share before the review.",
)
LIKERT: tuple[Tx, ...] = (
    ("非常不满意", "Very dissatisfied"),
    ("不满意", "Dissatisfied"),
    ("一般", "Neutral"),
    ("满意", "Satisfied"),
    ("非常满意", "Very satisfied"),
)
AREAS: tuple[Tx, ...] = (
    ("管理层", "Management"),
    ("业务部门", "Operations"),
    ("IT 部门", "IT"),
    ("关键用户", "Key user"),
)
IMPROVE: tuple[Tx, ...] = (
    ("沟通频率", "Communication frequency"),
    ("文档质量", "Documentation"),
    ("响应速度", "Response time"),
    ("培训", "Training"),
    ("进度透明度", "Schedule transparency"),
    ("问题跟踪", "Issue tracking"),
)
#: how often each area to improve is picked, wave by wave (documentation fades, training grows)
IMPROVE_WEIGHTS = ((2, 4, 3, 1, 2, 1), (2, 3, 2, 2, 2, 1), (1, 2, 1, 3, 1, 1))
QUESTIONS: tuple[tuple[str, str, Tx, tuple[Tx, ...]], ...] = (
    (
        "Q1",
        "nps",
        (
            "您向同事推荐我们团队的可能性有多大？",
            "How likely are you to recommend our team to a colleague?",
        ),
        tuple((str(i), str(i)) for i in range(11)),
    ),
    (
        "Q2",
        "likert",
        (
            "总体而言，您对项目进展的满意度如何？",
            "Overall, how satisfied are you with the project's progress?",
        ),
        LIKERT,
    ),
    (
        "Q3",
        "likert",
        (
            "您对项目团队沟通的及时性是否满意？",
            "How satisfied are you with how promptly the team communicates?",
        ),
        LIKERT,
    ),
    (
        "Q4",
        "likert",
        (
            "您对交付物（文档、方案）的质量是否满意？",
            "How satisfied are you with the quality of deliverables?",
        ),
        LIKERT,
    ),
    ("Q5", "single", ("您所在的部门", "Your area"), AREAS),
    (
        "Q6",
        "multi",
        ("您认为哪些方面最需要改进？（可多选）", "Which areas most need improvement? (choose any)"),
        IMPROVE,
    ),
    (
        "Q7",
        "rating",
        ("请为本阶段我方团队的支持打分（1–5）", "Rate our team's support in this phase (1–5)"),
        tuple((str(i), str(i)) for i in range(1, 6)),
    ),
    ("Q8", "text", ("其他意见或建议", "Any other comments or suggestions?"), ()),
)
TEXT_QUESTION_NOTE: Tx = (
    "【内部】原始文字意见可能涉及具体人员，对外只分享归纳后的主题。",
    "[Internal] Raw comments may name people; share only the summarised themes.",
)
RESPONSE_NOTE: Tx = (
    "【内部】该受访者所在团队近期与我方有摩擦，解读时需结合背景。",
    "[Internal] This respondent's team had friction with us lately; read with care.",
)
COMMENTS: dict[str, tuple[Tx, ...]] = {
    "good": (
        ("沟通及时，问题响应很快。", "Communication is timely and issues get a quick response."),
        (
            "顾问团队专业，对业务理解深入。",
            "The consultants are professional and know our business.",
        ),
        ("周报清晰，进度一目了然。", "The weekly report is clear; progress is easy to follow."),
        ("培训实操性强，很有帮助。", "Training was hands-on and useful."),
    ),
    "mixed": (
        ("整体不错，但文档还需完善。", "Good overall, but the documentation needs work."),
        (
            "进度有改善，希望保持现在的沟通频率。",
            "Progress has improved; please keep up the communication.",
        ),
        (
            "响应时间还可以，文档不足是主要问题。",
            "Response time is fine; thin documentation is the main issue.",
        ),
    ),
    "bad": (
        ("文档不足，很多操作找不到说明。", "Documentation is thin; many steps are not explained."),
        ("测试环境经常不稳定。", "The test environment is often unstable."),
        ("希望响应时间再快一些。", "Response time could be faster."),
        ("培训时间太短，希望增加练习。", "Training was too short; we need more practice."),
    ),
}

#: the client's mood over the project: (day, average sentiment); a dip during data migration
MOOD = ((0, 0.8), (60, 0.4), (95, -0.8), (130, 0.1), (185, 1.1))


# --- building ---------------------------------------------------------------------------


def build_demo(
    store: Store,
    *,
    lang: str | None = None,
    seed: int = 7,
    today: date | None = None,
    replace: bool = False,
) -> list[Project]:
    """Build the demo projects (both, or only the one whose client speaks ``lang``).

    An existing demo project of the same name is rebuilt with ``replace=True``, else
    ``Conflict`` is raised and nothing is written. Each project is written in one
    transaction. The same ``seed`` and ``today`` always give the same data.
    """
    langs = [normalise(lang)] if lang else list(LANGS)
    today = today or date.today()
    existing = {p.name for p in store.projects()}
    if not replace:
        for code in langs:
            if DEMO_PROJECTS[code] in existing:
                raise Conflict(t("cli.demo_exists", name=DEMO_PROJECTS[code], path=store.where))
    built = []
    for code in langs:
        rng = random.Random(f"commlib-demo/{seed}/{code}")  # one stream per project
        with store.transaction():
            if DEMO_PROJECTS[code] in {p.name for p in store.projects()}:
                store.delete_project(DEMO_PROJECTS[code])
            built.append(_build(_Demo(store, code, rng, today)))
    return built


class IssueRow(NamedTuple):
    title: Tx
    description: Tx
    impact: str
    severity: int
    owner: str  # a stakeholder's key, or "@n" for our n-th consultant
    solution: Tx
    raised_by: str  # a stakeholder's key, or "@n": raised by our n-th consultant
    day: int  # raised on this day of the project
    target: int | None  # the target date, a day of the project
    status: str  # where the issue ends up by today
    resolved: int | None = None  # resolved on this day of the project
    milestone: str | None = None
    risk: int | None = None  # the index in RISKS of the occurred risk it was raised from
    notes: Tx = ("", "")


ISSUES = (
    IssueRow(
        ("试迁移物料主数据重复编码", "Duplicate material codes in the trial load"),
        (
            "第一轮试迁移中 8% 的物料编码重复，BOM 无法正确关联。",
            "8% of material codes were duplicates in the first trial load, so BOMs did not link.",
        ),
        "quality",
        4,
        "@3",
        (
            "业务方指定数据负责人，按清洗规则合并重复编码后再做一轮试迁移。",
            "The business named a data owner; duplicates were merged by the cleansing "
            "rules and a further trial load run.",
        ),
        "it",
        88,
        110,
        "resolved",
        112,
        "migration",
        1,
    ),
    IssueRow(
        ("{erp}接口调整延误两周", "{erp} interface changes two weeks late"),
        (
            "{erp}方需要额外两周调整过账接口，集成测试无法按计划开始。",
            "The {erp} team needs two more weeks for the posting interface, so "
            "integration testing cannot start as planned.",
        ),
        "schedule",
        4,
        "@1",
        (
            "先测不依赖过账的流程，{erp}方每周两次同步进度。",
            "Test the flows that do not post first; the {erp} team reports progress twice a week.",
        ),
        "@1",
        100,
        124,
        "closed",
        126,
        "sit",
    ),
    IssueRow(
        ("关键用户无法参加验收测试", "Key users unavailable for acceptance testing"),
        (
            "月末结账期间关键用户无法脱产，验收测试用例执行不到一半。",
            "Month-end close keeps the key users busy; less than half of the acceptance "
            "test cases have been run.",
        ),
        "schedule",
        4,
        "manager1",
        (
            "请厂长安排两名替补用户，测试用例由我方顾问预先准备。",
            "The plant manager assigns two stand-in users; our consultants prepare the "
            "test cases in advance.",
        ),
        "@0",
        150,
        165,
        "in_progress",
        None,
        "uat",
    ),
    IssueRow(
        ("条码标签打印错位", "Barcode labels print out of alignment"),
        (
            "二号仓库的标签打印机打出的条码偏移，扫描枪无法识别。",
            "Labels from the second warehouse's printers are offset and the scanners "
            "cannot read them.",
        ),
        "quality",
        3,
        "itops",
        (
            "更换标签模板并统一打印机驱动版本。",
            "Change the label template and use one printer driver version everywhere.",
        ),
        "keyuser",
        172,
        192,
        "open",
    ),
    IssueRow(
        ("培训材料未按期交付", "Training material late"),
        (
            "操作手册和培训视频比计划晚一周，影响关键用户培训安排。",
            "Manuals and training videos are a week behind plan, which holds up the "
            "key-user training.",
        ),
        "schedule",
        3,
        "@2",
        (
            "先发布核心流程手册，视频分两批交付。",
            "Publish the manuals of the core flows first; deliver the videos in two batches.",
        ),
        "@2",
        160,
        175,
        "open",
        None,
        "training",
        None,
        (
            "【内部】写手资源被另一个项目借走，尚未告知客户。",
            "[Internal] Our writer was lent to another project; the client has not been told.",
        ),
    ),
    IssueRow(
        ("报表开发超出预算", "Report development over budget"),
        (
            "新增报表的开发工作量比估算多 30%。",
            "The new reports took 30% more effort than estimated.",
        ),
        "cost",
        3,
        "@0",
        (
            "与发起人商定超出部分由变更请求覆盖，低优先级报表移到二期。",
            "Agreed with the sponsor that a change request covers the overrun; "
            "low-priority reports move to phase two.",
        ),
        "finance",
        120,
        140,
        "resolved",
        138,
    ),
    IssueRow(
        ("批量过账接口超时", "Bulk posting interface times out"),
        (
            "月末批量过账超过 2000 条时接口超时，需要人工重试。",
            "Month-end bulk posting of more than 2,000 lines times out and needs manual retries.",
        ),
        "quality",
        5,
        "@1",
        (
            "改为分批提交并增加异步回执，{erp}方配合调整超时参数。",
            "Post in batches with asynchronous receipts; the {erp} team raises its timeout.",
        ),
        "itops",
        175,
        196,
        "in_progress",
        None,
        "golive",
        None,
        (
            "【内部】可能需要额外一周开发，报价前先评估。",
            "[Internal] May need another week of development; estimate before quoting.",
        ),
    ),
    IssueRow(
        ("生产部要求增加交接班报表", "Operations ask for a shift handover report"),
        (
            "生产部在验收测试中提出交接班报表需求，不在已确认范围内。",
            "Operations asked for a shift handover report during acceptance testing; it "
            "is not in the agreed scope.",
        ),
        "scope",
        2,
        "@0",
        (
            "按变更流程评估工作量，提交指导委员会决定。",
            "Estimate it through change control and take it to the steering committee.",
        ),
        "ops",
        168,
        None,
        "open",
        None,
        None,
        None,
        (
            "【内部】{ops}很坚持，先与发起人沟通再回复。",
            "[Internal] {ops} insists; talk to the sponsor before answering.",
        ),
    ),
)


def _build(d: _Demo) -> Project:
    project = _project(d)
    _stakeholders(d)
    _plan(d)
    _milestones(d)
    _contacts(d)
    _follow_ups(d)
    _risks(d)
    _surveys(d)
    _change_requests(d)
    _decisions(d)
    _lessons(d)
    _issues(d)
    _milestone_progress(d)
    d.apply_updates()
    return project


@dataclass
class _Event:
    """A contact being planned, before it has ids."""

    when: datetime
    kind: str  # a key of TEMPLATES
    channel: str
    direction: str
    people: list[str]
    topic: Topic
    sentiment: int | None = None
    notes: str = ""
    owner: str = ""  # who does the next step


@dataclass
class _Demo:
    """One project being built: where, in which language, and what exists so far."""

    store: Store
    lang: str
    rng: random.Random
    today: date
    setting: Setting = field(init=False)
    words: dict[str, str] = field(init=False)
    start: date = field(init=False)
    end: date = field(init=False)
    project_id: int = 0
    rows: dict[str, Person] = field(default_factory=dict)
    people: dict[str, Stakeholder] = field(default_factory=dict)
    milestones: dict[str, Milestone] = field(default_factory=dict)
    due: dict[str, date] = field(default_factory=dict)  # milestone's current due, as planned
    events: list[_Event] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    updates: list[tuple[datetime, int, str, int, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.setting = SETTINGS[self.lang]
        begin = self.today - timedelta(days=182)
        self.start = begin - timedelta(days=begin.weekday())  # a Monday, ~6 months ago
        self.end = _weekday(self.start + timedelta(days=273))  # ~3 months from today
        self.rows = {p.key: p for p in PEOPLE[self.lang]}
        self.words = {key: p.name for key, p in self.rows.items()} | self.setting.words

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.setting.timezone)

    @property
    def elapsed(self) -> int:
        """Days from the start to today."""
        return (self.today - self.start).days

    def tx(self, text: Tx, **extra: str) -> str:
        """The project's language of a bilingual text, placeholders filled."""
        return text[0 if self.lang == "zh" else 1].format(**self.words, **extra)

    def visibility(self, notes: str) -> str:
        return "internal" if notes.startswith(INTERNAL[self.lang]) else "client"

    def day(self, offset: int) -> date:
        """A weekday: ``offset`` days from the start, or before today when negative."""
        base = self.start if offset >= 0 else self.today
        return _weekday(base + timedelta(days=offset))

    def at(self, day: date, hour: int, minute: int = 0, zone: str | None = None) -> datetime:
        return datetime.combine(day, time(hour, minute), ZoneInfo(zone) if zone else self.zone)

    def working(self, day: date, zone: str | None = None) -> datetime:
        """A moment in working hours (09:00–17:55) on ``day``."""
        hour = self.rng.randint(9, 17)
        return self.at(day, hour, self.rng.randrange(0, 60, 5), zone)

    def who(self, key: str) -> str:
        """A stakeholder's name by key, or our n-th consultant for ``@n``."""
        if key.startswith("@"):
            return self.setting.team[int(key[1:])]
        return self.rows[key].name

    def later(self, kind: str, record_id: int, at: datetime, **changes: Any) -> None:
        """Schedule a change; changes are applied in time order so the history reads right."""
        self.updates.append((at, len(self.updates), kind, record_id, changes))

    def apply_updates(self) -> None:
        for at, _, kind, record_id, changes in sorted(self.updates, key=lambda u: u[:2]):
            self.store.update(kind, record_id, at=at, **changes)


def _weekday(day: date) -> date:
    """The day itself, or the Friday before when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _next_workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _lower_first(text: str, names: Iterable[str] = ()) -> str:
    """``Data migration`` -> ``data migration``; ``UAT planning`` and names stay."""
    if len(text) < 2 or not text[1].islower() or any(text.startswith(n) for n in names):
        return text
    return text[0].lower() + text[1:]


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _project(d: _Demo) -> Project:
    s = d.setting
    project = d.store.add(
        Project(
            name=DEMO_PROJECTS[d.lang],
            client=s.client,
            goals=list(s.goals),
            in_scope=list(s.in_scope),
            out_of_scope=list(s.out_of_scope),
            start=d.start,
            end=d.end,
            language=d.lang,  # type: ignore[arg-type]
            team=list(s.team_addresses),
            scope_confirmed_by=d.rows["sponsor"].name,
            scope_confirmed_on=_weekday(d.start + timedelta(days=7)),
            scope_confirmed_channel="meeting",
            visibility="client",
            notes=s.notes,
            created_at=d.at(d.start - timedelta(days=3), 10),
        )
    )
    d.project_id = project.id  # type: ignore[assignment]
    return project


def _phone(rng: random.Random, zone: str) -> str:
    if zone == SH:
        mobile = f"1{rng.choice('3589')}{rng.randint(0, 9)}"
        return f"+86 {mobile} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    if zone == BER:
        return f"+49 69 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    if zone == NYC:
        return f"+1 212 555 01{rng.randint(0, 99):02d}"  # 555-01xx: reserved for fiction
    return f"+44 20 7946 0{rng.randint(0, 999):03d}"  # 020 7946 0xxx: reserved for drama


def _engagement(row: Person, day: int) -> str:
    current = row.engagement[0][1]
    for since, value in row.engagement:
        if since <= day:
            current = value
    return current


def _stakeholders(d: _Demo) -> None:
    created = d.at(d.start, 11)
    records = [
        Stakeholder(
            project_id=d.project_id,
            name=row.name,
            organisation=row.organisation or d.setting.client,
            role=row.role,
            email=f"{row.email}@{d.setting.domain}",
            phone=_phone(d.rng, row.timezone),
            preferred_channel=row.channel,  # type: ignore[arg-type]
            timezone=row.timezone,
            language=d.lang,  # type: ignore[arg-type]
            power=row.power,
            interest=row.interest,
            engagement_current=row.engagement[0][1],  # type: ignore[arg-type]
            engagement_desired=row.desired,  # type: ignore[arg-type]
            visibility=d.visibility(row.notes),  # type: ignore[arg-type]
            notes=row.notes,
            created_at=created,
        )
        for row in d.rows.values()
    ]
    for row, stored in zip(d.rows.values(), d.store.add_all(records), strict=True):
        d.people[row.key] = stored
        for since, value in row.engagement[1:]:
            d.later("stakeholders", stored.id, d.working(d.day(since)), engagement_current=value)


#: the communication plan: (audience: a quadrant or a person's key, zh, en, channel, cadence)
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


def _plan(d: _Demo) -> None:
    created = d.at(d.start, 15)
    records = []
    for audience, zh, en, channel, cadence in PLAN:
        person = d.people.get(audience)
        records.append(
            PlanItem(
                project_id=d.project_id,
                what=zh if d.lang == "zh" else en,
                quadrant=None if person else audience,
                stakeholder_id=person.id if person else None,
                channel=channel,
                cadence_days=cadence,
                owner=d.setting.team[0],
                visibility="internal" if audience == "ops" else "client",
                notes=d.setting.notes if audience == "ops" else "",
                created_at=created,
            )
        )
    d.store.add_all(records)


def _milestones(d: _Demo) -> None:
    """One chain: each milestone's work starts when the previous one is reached."""
    previous: Milestone | None = None
    start_day = 0
    for row in MILESTONES:
        due = d.end if row.day < 0 else d.day(row.day)
        likely = max((due - d.start).days - start_day, 1)
        notes = d.tx(row.notes)
        previous = d.store.add(
            Milestone(
                project_id=d.project_id,
                name=d.tx(row.name),
                type=row.type,  # type: ignore[arg-type]
                description=d.tx(row.description),
                baseline_due=due,
                current_due=due,
                depends_on=previous.id if previous else None,
                duration_optimistic=max(round(likely * 0.85), 1),
                duration_likely=likely,
                duration_pessimistic=round(likely * 1.4) + 1,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.at(d.start + timedelta(days=2), 15),
            )
        )
        start_day = (due - d.start).days
        d.milestones[row.key] = previous
        d.due[row.key] = due
    key, days, decided = SLIP
    _move_milestone(d, key, days, d.at(d.day(decided), 11, 30))  # after the meeting


def _move_milestone(d: _Demo, keys: list[str] | str, days: int, at: datetime) -> None:
    """Move the earliest of ``keys`` and, as the team replans, every milestone after it."""
    order = [row.key for row in MILESTONES]
    first = min(order.index(k) for k in ([keys] if isinstance(keys, str) else keys))
    for key in order[first:]:
        d.due[key] = d.due[key] + timedelta(days=days)  # whole weeks, so still a weekday
        d.later("milestones", d.milestones[key].id, at, current_due=d.due[key])


def _milestone_progress(d: _Demo) -> None:
    """Milestones start, finish and are accepted by the client, as their (final) dates say."""
    for key, m in d.milestones.items():
        due = d.due[key]
        started = due - timedelta(days=21)
        if started < d.today:
            d.later("milestones", m.id, d.working(_weekday(started)), status="in_progress")
        if due >= d.today - timedelta(days=1):
            continue
        d.later("milestones", m.id, d.at(due, 17), status="done")
        accepted_on = _next_workday(due + timedelta(days=d.rng.randint(1, 5)))
        if accepted_on < d.today and m.visibility == "client":
            who = d.people["sponsor" if m.type == "milestone" else "it"]
            d.later(
                "milestones",
                m.id,
                d.working(accepted_on),
                accepted_by=who.id,
                accepted_on=accepted_on,
                acceptance_channel="meeting" if m.type == "milestone" else "email",
            )


# --- contacts ---------------------------------------------------------------------------


def _phase(d: _Demo, day: date) -> tuple[Topic, ...]:
    offset = (day - d.start).days
    topics = PHASES[0][1]
    for since, phase in PHASES:
        if offset >= since:
            topics = phase
    return topics


def _mood(d: _Demo, day: date) -> float:
    x = (day - d.start).days
    for (x0, y0), (x1, y1) in itertools.pairwise(MOOD):
        if x <= x1:
            return y0 + (y1 - y0) * max(0, x - x0) / (x1 - x0)
    return MOOD[-1][1]


def _sentiment(d: _Demo, day: date, key: str) -> int:
    engagement = _engagement(d.rows[key], (day - d.start).days)
    bias = {"resistant": -0.7, "unaware": -0.2, "leading": 0.3}.get(engagement, 0.0)
    return _clamp(_mood(d, day) + bias + d.rng.gauss(0, 0.7), -2, 2)


def _active(d: _Demo, row: Person, day: date) -> bool:
    return not row.quiet or day < d.today - timedelta(days=row.quiet)


def _pick(d: _Demo, day: date, channel: str) -> Person:
    rows = [r for r in d.rows.values() if _active(d, r, day) and r.key != "sponsor"]
    weights = [r.weight * (2.5 if r.channel == channel else 1.0) for r in rows]
    return d.rng.choices(rows, weights)[0]


def _one_to_one(d: _Demo, day: date, kind: str, channel: str, direction: str) -> _Event:
    row = _pick(d, day, channel)
    event = _Event(
        when=d.working(day, row.timezone),
        kind=kind,
        channel=channel,
        direction=direction,
        people=[row.key],
        topic=d.rng.choice(_phase(d, day)),
        sentiment=_sentiment(d, day, row.key),
    )
    if channel == "im" and d.rng.random() < 0.4:
        event.sentiment = None
    if d.rng.random() < 0.12:
        event.notes = d.tx(d.rng.choice(CONTACT_NOTES), name=row.name)
    return event


def _reply(d: _Demo, inbound: _Event) -> _Event | None:
    """Our answer to an inbound e-mail: a few hours to two days later, in working hours."""
    r = d.rng.random()
    hours = d.rng.uniform(1, 6) if r < 0.6 else d.rng.uniform(6, 30) if r < 0.9 else 30 + r * 20
    local = (inbound.when.astimezone(d.zone) + timedelta(hours=hours)).replace(
        second=0, microsecond=0
    )
    if local.hour >= 18 or local.hour < 9 or local.weekday() >= 5:
        day = local.date() + timedelta(days=0 if local.hour < 9 else 1)
        local = d.at(_next_workday(day), 9, d.rng.randrange(0, 60, 5))
    if local.date() >= d.today:
        return None  # still waiting for our answer
    return _Event(
        when=local,
        kind="email_reply",
        channel="email",
        direction="outbound",
        people=list(inbound.people),
        topic=inbound.topic,
    )


def _plan_contacts(d: _Demo) -> list[_Event]:
    rng = d.rng
    events = [
        _Event(
            when=d.at(d.start + timedelta(days=3), 9, 30),
            kind="kickoff",
            channel="meeting",
            direction="outbound",
            people=list(d.rows),
            topic=KICKOFF,
            sentiment=1,
        )
    ]
    for row in d.rows.values():  # the quiet ones were last heard of a while ago
        if row.quiet:
            day = _weekday(d.today - timedelta(days=row.quiet + rng.randint(3, 15)))
            events.append(
                _Event(
                    d.working(day, row.timezone),
                    "email_in",
                    "email",
                    "inbound",
                    [row.key],
                    rng.choice(_phase(d, day)),
                    _sentiment(d, day, row.key),
                )
            )
    week, n = d.start, 0
    while week < d.today:
        weekly = week + timedelta(days=1)
        if weekly < d.today and n > 0:
            people = ["it", "ops", "keyuser", "itops"]
            people += [k for k, p in (("quality", 0.5), ("sponsor", 0.15)) if rng.random() < p]
            events.append(
                _Event(
                    d.at(weekly, 10),
                    "weekly",
                    "video" if n % 3 == 2 else "meeting",
                    "outbound",
                    people,
                    rng.choice(_phase(d, weekly)),
                    _sentiment(d, weekly, "it"),
                )
            )
        steering = week + timedelta(days=3)
        if n % 4 == 2 and steering < d.today:
            people = ["sponsor", "it", "finance", "manager1", "manager2"]
            if _active(d, d.rows["hq"], steering):
                people.append("hq")
            events.append(
                _Event(
                    d.at(steering, 14),
                    "steering",
                    "meeting",
                    "outbound",
                    people,
                    rng.choice(_phase(d, steering)),
                    _sentiment(d, steering, "sponsor"),
                )
            )
        plan = [("email_in", "email", "inbound")] * rng.randint(2, 3)
        plan += [("email_out", "email", "outbound")] * (rng.random() < 0.3)
        plan += [("phone", "phone", rng.choice(["inbound", "outbound"]))] * rng.randint(1, 3)
        plan += [("im", "im", "inbound")] * rng.randint(1, 3)
        plan += [("video", "video", "outbound")] * (rng.random() < 0.35)
        for kind, channel, direction in plan:
            day = week + timedelta(days=rng.randint(0, 4))
            if day >= d.today:
                continue
            event = _one_to_one(d, day, kind, channel, direction)
            if kind in ("email_out", "video"):
                event.people += rng.sample(
                    [k for k in ("it", "quality", "keyuser") if k not in event.people],
                    rng.randint(0, 2),
                )
            if kind == "email_out":
                event.sentiment = None
            events.append(event)
            if kind == "email_in" and rng.random() < 0.9:
                reply = _reply(d, event)
                if reply is not None:
                    events.append(reply)
        week += timedelta(days=7)
        n += 1
    events.sort(key=lambda e: e.when)
    return events


def _contact(d: _Demo, event: _Event, number: int) -> Contact:
    subject_tx, summary_tx = TEMPLATES[event.kind]
    if event.topic.by_client:
        event.owner = d.rows[event.people[0]].name
    else:
        event.owner = d.rng.choice(d.setting.team)
    names = [d.rows[k].name for k in event.people]
    topic = d.tx(event.topic.subject)
    clause = CLAUSES[event.sentiment or 0]
    text = {
        "topic": topic,
        "topic_l": _lower_first(topic, d.setting.words.values()),
        "names": ("、" if d.lang == "zh" else ", ").join(names),
        "name": names[0],
        "detail": d.tx(d.rng.choice(event.topic.details)),
        "clause": d.tx(d.rng.choice(clause)),
        "owner": event.owner,
        "action": d.tx(event.topic.action),
    }
    return Contact(
        project_id=d.project_id,
        when=event.when,
        stakeholder_ids=[d.people[k].id for k in event.people],  # type: ignore[misc]
        channel=event.channel,  # type: ignore[arg-type]
        direction=event.direction,  # type: ignore[arg-type]
        subject=d.tx(subject_tx, **text),
        summary=d.tx(summary_tx, **text).strip(),
        sentiment=event.sentiment,
        source=SOURCE,
        source_id=f"demo-{d.lang}-{number:04d}",
        visibility=d.visibility(event.notes),  # type: ignore[arg-type]
        notes=event.notes,
        created_at=event.when + timedelta(minutes=d.rng.randint(5, 120)),
    )


def _contacts(d: _Demo) -> None:
    d.events = _plan_contacts(d)
    records = [_contact(d, e, i) for i, e in enumerate(d.events, start=1)]
    d.contacts = d.store.add_all(records)


def _meeting_near(d: _Demo, kind: str, day: date) -> Contact | None:
    """The meeting of this kind (weekly, steering) closest to ``day``."""
    meetings = [c for e, c in zip(d.events, d.contacts, strict=True) if e.kind == kind]
    return min(meetings, key=lambda c: abs((c.when.date() - day).days), default=None)


# --- follow-ups -------------------------------------------------------------------------


def _follow_ups(d: _Demo) -> None:
    rng = d.rng
    kinds = ("weekly", "steering", "video", "email_in", "phone")
    candidates = [i for i, e in enumerate(d.events) if e.kind in kinds]
    chosen = sorted(rng.sample(candidates, rng.randint(24, 34)))
    plans = []
    for i in chosen:
        event, contact = d.events[i], d.contacts[i]
        made = event.when.astimezone(d.zone).date()
        due = _next_workday(made + timedelta(days=rng.randint(3, 12)))
        postponed = None
        if rng.random() < 0.2 and due < d.today:
            postponed = _next_workday(due + timedelta(days=7))
        notes = d.tx(rng.choice(FOLLOW_UP_NOTES)) if rng.random() < 0.15 else ""
        title = d.tx(event.topic.action)
        record = FollowUp(
            project_id=d.project_id,
            title=title[0].upper() + title[1:],
            owner=event.owner,
            due=due,
            contact_id=contact.id,
            visibility=d.visibility(notes),  # type: ignore[arg-type]
            notes=notes,
            created_at=contact.created_at,
        )
        plans.append((record, made, postponed))
    stored = d.store.add_all([p[0] for p in plans])
    recent = d.today - timedelta(days=45)
    late = [i for i, (r, _, p) in enumerate(plans) if recent <= (p or r.due) < d.today]
    overdue = set(rng.sample(late, min(4, len(late))))
    for i, (fu, (_, made, postponed)) in enumerate(zip(stored, plans, strict=True)):
        due = fu.due
        if postponed is not None:
            asked = _weekday(made + (due - made) / 2)  # halfway, someone asked for more time
            d.later("follow_ups", fu.id, d.working(asked), due=postponed)
            due = postponed
        early = made < d.today - timedelta(days=2) and rng.random() < 0.3
        if i in overdue or not (due < d.today or early):
            continue  # still open (overdue, or due later)
        done_on = due + timedelta(days=rng.randint(-4, 2))
        done_on = min(max(done_on, made + timedelta(days=1)), d.today - timedelta(days=1))
        done_on = max(_weekday(done_on), made)
        if rng.random() < 0.08:
            d.later("follow_ups", fu.id, d.working(done_on), status="cancelled")
        else:
            d.later("follow_ups", fu.id, d.working(done_on), status="done", done_on=done_on)


# --- risks ------------------------------------------------------------------------------


def _risks(d: _Demo) -> None:
    rng = d.rng
    records = []
    for row in RISKS:
        notes = d.tx(row.notes)
        made = d.day(row.day)
        records.append(
            Risk(
                project_id=d.project_id,
                title=d.tx(row.title),
                category=d.tx(CATEGORIES[row.category]),
                probability=row.probability,
                impact=row.impact,
                owner=d.who(row.owner),
                trigger=d.tx(row.trigger),
                mitigation=d.tx(row.mitigation),
                contingency=d.tx(row.contingency),
                status="open",
                review_due=_next_workday(made + timedelta(days=14)),
                cost_impact=None if row.cost is None else row.cost * d.setting.cost_unit,
                schedule_impact_days=row.impact + 2 if row.impact >= 4 else None,
                milestone_id=_milestone_at_risk(d, row.day) if row.impact >= 4 else None,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.working(made),
            )
        )
    stored = d.store.add_all(records)
    # a few risks were last reviewed a month ago and are now overdue for review
    live = [i for i, r in enumerate(RISKS) if r.status in ("open", "mitigating") and r.day < 100]
    overdue = set(rng.sample(live, 3))
    for i, (row, risk) in enumerate(zip(RISKS, stored, strict=True)):
        _risk_history(d, row, risk, overdue=i in overdue)


def _milestone_at_risk(d: _Demo, day: int) -> int:
    """The first milestone due three weeks after the risk was raised and not reached by
    today (else the last): the one the risk would delay if it occurred."""
    for row in MILESTONES:
        if row.day < 0 or row.day >= max(day + 21, d.elapsed):
            return d.milestones[row.key].id  # type: ignore[return-value]
    return d.milestones[MILESTONES[-1].key].id  # type: ignore[return-value]


def _risk_history(d: _Demo, row: RiskRow, risk: Risk, *, overdue: bool) -> None:
    """Scores climb until the project's rough patch (about day 95), then mitigation works."""
    rng = d.rng
    peak = rng.randint(85, 110)
    last = d.elapsed - (30 if overdue else 2)
    if row.status == "occurred":
        last = min(last, max(peak, row.day + 20))
    days = sorted(rng.sample(range(row.day + 7, last), min(rng.randint(3, 5), last - row.day - 7)))
    p, i = row.probability, row.impact
    for step, offset in enumerate(days):
        final = step == len(days) - 1
        if offset < peak:
            if p < 5:
                p += 1
            else:
                i = min(5, i + 1)
        elif rng.random() < 0.7:
            p = max(2, p - 1)
        status = "open" if row.status == "open" or step == 0 else "mitigating"
        review: date | None = _next_workday(d.day(offset) + timedelta(days=rng.randint(14, 28)))
        changes: dict[str, Any] = {}
        if final:
            status = row.status
            if status == "closed":
                p, review = 1, None
            elif status == "occurred":
                p = 5
                if row.cost is not None:
                    changes["cost_impact"] = row.cost * 1.5 * d.setting.cost_unit
            elif overdue:
                review = _weekday(d.today - timedelta(days=rng.randint(2, 12)))
            else:
                review = _next_workday(d.today + timedelta(days=rng.randint(3, 30)))
        d.later(
            "risks",
            risk.id,
            d.working(d.day(offset)),
            probability=p,
            impact=i,
            status=status,
            review_due=review,
            **changes,
        )


# --- surveys ----------------------------------------------------------------------------


def _answers(d: _Demo, wave: int, mean: float) -> dict[str, Any]:
    rng = d.rng
    s = rng.gauss(mean, 0.8)
    answers: dict[str, Any] = {
        "Q1": _clamp(s * 2 + 0.4 + rng.gauss(0, 1), 0, 10),
        "Q2": _clamp(s + rng.gauss(0, 0.5), 1, 5),
        "Q3": _clamp(s + 0.2 + rng.gauss(0, 0.5), 1, 5),
        "Q4": _clamp(s - 0.4 + 0.2 * wave + rng.gauss(0, 0.5), 1, 5),
        "Q5": d.tx(rng.choices(AREAS, (1, 4, 2, 3))[0]),
    }
    if rng.random() < 0.9:
        picked: set[int] = set()
        for _ in range(rng.randint(1, 3)):
            picked.add(rng.choices(range(len(IMPROVE)), IMPROVE_WEIGHTS[wave])[0])
        answers["Q6"] = [d.tx(IMPROVE[k]) for k in sorted(picked)]
    answers["Q7"] = _clamp(s + 0.1 + rng.gauss(0, 0.6), 1, 5)
    if rng.random() < 0.55:
        tone = "good" if s >= 3.8 else "bad" if s <= 2.8 else "mixed"
        answers["Q8"] = d.tx(rng.choice(COMMENTS[tone]))
    return answers


def _surveys(d: _Demo) -> None:
    rng = d.rng
    for wave, (code, day, milestone, mean) in enumerate(WAVES):
        opened = d.day(day)
        closed = min(_weekday(opened + timedelta(days=12)), d.today - timedelta(days=1))
        notes = d.tx(WAVE_NOTE) if code == WAVES[-1][0] else ""
        internal = bool(notes)
        invited = rng.randint(36, 45)
        survey = d.store.add(
            Survey(
                project_id=d.project_id,
                name=d.tx(SURVEY_NAME),
                wave=code,
                template=d.tx(SURVEY_TEMPLATE),
                platform=d.setting.platform,
                opened_on=opened,
                closed_on=closed,
                invited=invited,
                milestone_id=d.milestones[milestone].id,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.at(opened, 9),
            )
        )
        questions = []
        for position, (qcode, qtype, text, options) in enumerate(QUESTIONS, start=1):
            qnotes = d.tx(TEXT_QUESTION_NOTE) if qtype == "text" else ""
            questions.append(
                Question(
                    project_id=d.project_id,
                    survey_id=survey.id,  # type: ignore[arg-type]
                    code=qcode,
                    text=d.tx(text),
                    type=qtype,  # type: ignore[arg-type]
                    options=[d.tx(o) for o in options],
                    position=position,
                    visibility="internal" if internal or qnotes else "client",
                    notes=qnotes,
                    created_at=d.at(opened, 9),
                )
            )
        d.store.add_all(questions)
        imported = d.at(closed, 18)
        respondents = rng.sample(range(1, invited + 1), rng.randint(18, min(36, invited)))
        responses = []
        for who in sorted(respondents):
            rnotes = d.tx(RESPONSE_NOTE) if rng.random() < 0.08 else ""
            submitted = d.working(opened + timedelta(days=rng.randint(0, (closed - opened).days)))
            responses.append(
                Response(
                    project_id=d.project_id,
                    survey_id=survey.id,  # type: ignore[arg-type]
                    respondent=f"U{who:03d}",
                    submitted_at=submitted,
                    duration_s=round(rng.uniform(80, 600), 1),
                    source=d.setting.platform,
                    answers=_answers(d, wave, mean),
                    visibility="internal" if internal or rnotes else "client",
                    notes=rnotes,
                    created_at=imported,
                )
            )
        d.store.add_all(responses)


# --- change requests, decisions, lessons -------------------------------------------------


def _change_requests(d: _Demo) -> None:
    records = []
    for row in CHANGES:
        notes = d.tx(row.notes)
        requested = d.day(row.requested)
        records.append(
            ChangeRequest(
                project_id=d.project_id,
                title=d.tx(row.title),
                description=d.tx(row.description),
                requested_by=d.people[row.requested_by].id,
                requested_on=requested,
                schedule_impact_days=row.schedule_days,
                cost_impact=row.cost * d.setting.cost_unit,
                milestone_ids=[d.milestones[k].id for k in row.milestones],  # type: ignore[misc]
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.working(requested),
            )
        )
    for row, cr in zip(CHANGES, d.store.add_all(records), strict=True):
        if row.decided is None:
            continue
        decided = d.day(row.decided)
        at = d.at(decided, 16, 30)
        d.later(
            "change_requests",
            cr.id,
            at,
            decision=row.decision,
            decided_by=d.who(row.decided_by),
            decided_on=decided,
        )
        if row.decision == "approved" and row.schedule_days:
            _move_milestone(d, list(row.milestones), row.schedule_days, at)


def _decisions(d: _Demo) -> None:
    records = []
    for row in DECISIONS:
        notes = d.tx(row.notes)
        day = d.day(row.day)
        contact = _meeting_near(d, row.meeting, day) if row.meeting else None
        if contact is not None:
            day = contact.when.astimezone(d.zone).date()  # decided at that meeting
        records.append(
            Decision(
                project_id=d.project_id,
                title=d.tx(row.title),
                description=d.tx(row.description),
                decided_on=day,
                decided_by=d.who(row.decided_by),
                contact_id=contact.id if contact else None,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.at(day, 17, 30),
            )
        )
    d.store.add_all(records)


def _issues(d: _Demo) -> None:
    """The issue log: the first one raised from the risk of poor legacy data when it
    occurred; each moves on to in progress and to where it ends up by today."""
    from .issues import issue_from_risk

    risks = d.store.records("risks", d.project_id)
    records = []
    for row in ISSUES:
        notes = d.tx(row.notes)
        raised = d.day(row.day)
        base = (
            issue_from_risk(risks[row.risk], today=raised)  # type: ignore[arg-type]
            if row.risk is not None
            else Issue(project_id=d.project_id, title="-", raised_on=raised)
        )
        by_team = row.raised_by.startswith("@")
        records.append(
            base.model_copy(
                update={
                    "title": d.tx(row.title),
                    "description": d.tx(row.description),
                    "impact": row.impact,
                    "severity": row.severity,
                    "owner": d.who(row.owner),
                    "solution": d.tx(row.solution),
                    "raised_by": None if by_team else d.people[row.raised_by].id,
                    "raised_by_team": d.who(row.raised_by) if by_team else "",
                    "target_date": None if row.target is None else d.day(row.target),
                    "milestone_id": row.milestone and d.milestones[row.milestone].id,
                    "visibility": d.visibility(notes),
                    "notes": notes,
                    "created_at": d.at(raised, 10),
                }
            )
        )
    stored = d.store.add_all([Issue.model_validate(r.model_dump()) for r in records])
    for row, issue in zip(ISSUES, stored, strict=True):
        if row.status == "open":
            continue
        started = d.at(d.day(row.day + 2), 11)
        d.later("issues", issue.id, started, status="in_progress")  # type: ignore[arg-type]
        if row.resolved is not None:
            done = d.day(row.resolved)
            d.later(
                "issues",
                issue.id,  # type: ignore[arg-type]
                d.at(done, 16),
                status=row.status,
                resolved_on=done,
            )


def _lessons(d: _Demo) -> None:
    records = []
    for row in LESSONS:
        notes = d.tx(row.notes)
        day = d.day(row.day)
        records.append(
            Lesson(
                project_id=d.project_id,
                title=d.tx(row.title),
                category=d.tx(row.category),
                what_happened=d.tx(row.what_happened),
                recommendation=d.tx(row.recommendation),
                recorded_on=day,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.at(day, 17),
            )
        )
    d.store.add_all(records)
