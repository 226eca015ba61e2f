"""The satisfaction survey: its waves, questions, answer options and comments."""

from __future__ import annotations

from . import Tx

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
