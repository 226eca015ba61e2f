"""Change requests, decisions, lessons learned and the issue log: one row per record."""

from __future__ import annotations

from typing import NamedTuple

from . import Tx

# fmt: off

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
