from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from commlib import (
    Assignment,
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
    Response,
    Risk,
    Stakeholder,
    StatusOverride,
    Store,
    Survey,
)

from .postgres import postgres  # noqa: F401  (fixture)

DATA = Path(__file__).parent / "data"

#: text that must survive every path: Chinese, quotes, commas, new lines, formulas
TRICKY = [
    "客户要求：下周三前交付“数据迁移方案”，含附件。",
    '=HYPERLINK("http://evil.example","点我")',
    "+86 138 0013 8000",
    "-5 days, then @mention",
    "'already quoted",
    'line one\nline two, with "quotes"',
    "@SUM(A1:A9)",
]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the user's store or language settings."""
    monkeypatch.setenv("COMMLIB_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("COMMLIB_LANG", "en")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Modules that set ``BACKENDS = ("sqlite", "postgresql")`` run their store tests on both."""
    backends = getattr(metafunc.module, "BACKENDS", None)
    if metafunc.definition.get_closest_marker("sqlite_only"):
        backends = ("sqlite",)
    if backends and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where a test's store lives: a SQLite file, or a new database on the test PostgreSQL."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres").new_database()
    return str(tmp_path / "workbench.db")


@pytest.fixture
def store(store_url: str) -> Store:
    s = Store(store_url)
    yield s
    s.close()


def fill(store: Store) -> Project:
    """A small project with every kind of record, history, and tricky text."""
    t0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    p = store.add(
        Project(
            name="华辰 ERP 升级",
            client="上海华辰智能制造有限公司",
            goals=["库存准确率 ≥ 99%", TRICKY[1]],
            in_scope=["数据迁移", "培训"],
            out_of_scope=["硬件采购"],
            start=date(2026, 3, 1),
            end=date(2026, 9, 30),
            language="zh",
            team=["nimbus-consulting.com", "lead@nimbus-consulting.com"],
            visibility="client",
            created_at=t0,
        )
    )
    zhang = store.add(
        Stakeholder(
            project_id=p.id,
            name="张伟",
            organisation="华辰",
            role="CIO",
            email="zhang.wei@huachen.cn",
            phone=TRICKY[2],
            timezone="Asia/Shanghai",
            power=5,
            interest=4,
            visibility="client",
            notes="对变更比较敏感 INTERNAL-SENTINEL",
            created_at=t0,
        )
    )
    li = store.add(
        Stakeholder(project_id=p.id, name="Li Na", email="li.na@huachen.cn", created_at=t0)
    )
    store.add_all(
        [
            PlanItem(
                project_id=p.id,
                what="周报",
                quadrant="manage_closely",
                cadence_days=7,
                channel="email",
                owner="王芳",
                visibility="client",
            ),
            PlanItem(
                project_id=p.id,
                what="一对一沟通",
                stakeholder_id=zhang.id,
                cadence_days="biweekly",
                channel="meeting",
            ),
        ]
    )
    contact = store.add(
        Contact(
            project_id=p.id,
            when=t0,
            stakeholder_ids=[zhang.id, li.id],
            channel="meeting",
            subject=TRICKY[0],
            summary=TRICKY[5],
            sentiment=-2,
            visibility="client",
            source="email",
            source_id="<abc@huachen.cn>",
            created_at=t0,
        )
    )
    store.add(
        Contact(
            project_id=p.id,
            when=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
            stakeholder_ids=[li.id],
            channel="im",
            direction="inbound",
            subject=TRICKY[3],
            summary=TRICKY[6],
            notes=TRICKY[4],
            created_at=t0,
        )
    )
    follow = store.add(
        FollowUp(
            project_id=p.id,
            title="发送迁移方案",
            owner="王芳",
            due=date(2026, 3, 10),
            contact_id=contact.id,
            created_at=t0,
        )
    )
    m = store.add(
        Milestone(
            project_id=p.id,
            name="UAT 完成",
            baseline_due=date(2026, 5, 1),
            current_due=date(2026, 5, 1),
            created_at=t0,
        )
    )
    risk = store.add(
        Risk(
            project_id=p.id,
            title="关键用户离职",
            category="resource",
            probability=2,
            impact=4,
            cost_impact=12500.5,
            review_due=date(2026, 4, 1),
            created_at=t0,
        )
    )
    survey = store.add(
        Survey(project_id=p.id, name="项目满意度", wave="W1", invited=20, milestone_id=m.id)
    )
    store.add_all(
        [
            Question(
                project_id=p.id,
                survey_id=survey.id,
                code="Q1",
                type="nps",
                text="推荐意愿",
                options=[str(i) for i in range(11)],
                position=1,
            ),
            Question(
                project_id=p.id,
                survey_id=survey.id,
                code="Q2",
                type="multi",
                text="哪些方面做得好？",
                options=["沟通及时", "文档", TRICKY[1]],
                position=2,
            ),
        ]
    )
    store.add(
        Response(
            project_id=p.id,
            survey_id=survey.id,
            respondent="r1",
            submitted_at=t0,
            duration_s=95.5,
            answers={"Q1": 9, "Q2": ["沟通及时", TRICKY[1]]},
        )
    )
    store.add(
        ChangeRequest(
            project_id=p.id,
            title="增加报表模块",
            requested_by=zhang.id,
            requested_on=date(2026, 3, 20),
            schedule_impact_days=14,
            cost_impact=-300.0,
            decision="approved",
            decided_by="张伟",
            decided_on=date(2026, 3, 25),
            milestone_ids=[m.id],
        )
    )
    store.add(
        Decision(
            project_id=p.id,
            title="采用分批上线",
            decided_on=date(2026, 3, 5),
            contact_id=contact.id,
        )
    )
    store.add(
        Lesson(
            project_id=p.id,
            title="尽早确认数据口径",
            recorded_on=date(2026, 4, 1),
            what_happened=TRICKY[1],
        )
    )
    store.add_all(
        [
            Issue(
                project_id=p.id,
                title="主数据质量不达标",
                description=TRICKY[5],
                raised_on=date(2026, 3, 20),
                raised_by=zhang.id,
                impact="quality",
                severity=4,
                owner="王芳",
                solution=TRICKY[1],
                target_date=date(2026, 4, 10),
                risk_id=risk.id,
                milestone_id=m.id,
                visibility="client",
            ),
            Issue(
                project_id=p.id,
                title="接口联调延误",
                raised_on=date(2026, 3, 10),
                raised_by_team="Li Lei",
                impact="schedule",
                status="resolved",
                resolved_on=date(2026, 3, 18),
                notes="供应商内部问题 INTERNAL-SENTINEL",
            ),
        ]
    )
    store.add(
        StatusOverride(
            project_id=p.id,
            area="schedule",
            status="amber",
            reason="UAT 延期两周，客户已知悉",
            set_on=date(2026, 3, 26),
        )
    )
    store.add(
        Meeting(
            project_id=p.id,
            title="周例会",
            start=datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
            timezone="Asia/Shanghai",
            stakeholder_ids=[zhang.id, li.id],
            agenda=["数据迁移方案"],
            uid="meeting-1@commlib",
            status="held",
            contact_id=contact.id,
            visibility="client",
            notes="会前先和张伟通气 INTERNAL-SENTINEL",
            created_at=t0,
        )
    )
    store.add_all(
        [
            Assignment(project_id=p.id, milestone=m.id, stakeholder=zhang.id, role="A"),
            Assignment(project_id=p.id, milestone=m.id, stakeholder=li.id, role="R"),
        ]
    )
    store.update("risks", risk.id, probability=4, at=datetime(2026, 3, 15, tzinfo=UTC))
    store.update(
        "milestones", m.id, current_due=date(2026, 5, 15), at=datetime(2026, 3, 25, tzinfo=UTC)
    )
    store.update(
        "follow_ups",
        follow.id,
        status="done",
        done_on=date(2026, 3, 9),
        at=datetime(2026, 3, 9, tzinfo=UTC),
    )
    store.update(
        "stakeholders", li.id, engagement_current="supportive", at=datetime(2026, 3, 20, tzinfo=UTC)
    )
    return p


@pytest.fixture
def filled(store: Store) -> Store:
    fill(store)
    return store
