"""What people talk about, phase by phase, and how each kind of contact reads: the texts of the
communication log and of its follow-ups, and the client's mood over the project."""

from __future__ import annotations

from typing import NamedTuple

from . import Tx

# fmt: off

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

# fmt: on

#: the client's mood over the project: (day, average sentiment); a dip during data migration
MOOD = ((0, 0.8), (60, 0.4), (95, -0.8), (130, 0.1), (185, 1.1))
