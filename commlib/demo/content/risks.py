"""The risk register: categories and one row per risk, with where it ends up by today."""

from __future__ import annotations

from typing import NamedTuple

from . import Tx

# fmt: off

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


# fmt: on
