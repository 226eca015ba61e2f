"""Properties, checked on generated data (hypothesis) rather than on chosen examples.

- models: any valid record round-trips through the store and CSV export/import unchanged;
  any value, valid or not, gives a record or ``InvalidRecord`` (never another exception), and
  whatever validation accepts, the store stores and reads back;
- survey answers (``save_responses``): any answer is refused with ``InvalidRecord`` or stored
  so that it reads back through the model;
- importers: arbitrary bytes, and text shaped like each kind of file, fed to each importer
  give a report or a ``CommlibError`` (never ``UnicodeDecodeError``, ``KeyError``...), and a
  refused file writes nothing;
- ``import-csv``: any text in any cell of an export is imported or refused the same way.

Budgets are small (tens of examples per property) so the module runs in well under a minute
on two cores; ``COMMLIB_PROPERTY_SCALE=20`` searches twenty times as long. On CI (``CI`` set)
the examples are derandomized, so a run is repeatable.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import string
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from commlib import (
    KINDS,
    ChangeRequest,
    CommlibError,
    Conflict,
    Contact,
    InvalidRecord,
    Lesson,
    Milestone,
    Project,
    Question,
    Response,
    Risk,
    Stakeholder,
    Store,
    Survey,
)
from commlib._validation import validate
from commlib.csvio import export_csv, import_csv
from commlib.importers import IMPORTERS, import_file
from commlib.surveys.data import responses_frame, save_responses, save_survey

from .conftest import fill

settings.register_profile(
    "commlib",
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: more examples for a deeper search, e.g. COMMLIB_PROPERTY_SCALE=20
SCALE = float(os.environ.get("COMMLIB_PROPERTY_SCALE", "1"))
FEW = settings(settings.get_profile("commlib"), max_examples=int(40 * SCALE))
SOME = settings(settings.get_profile("commlib"), max_examples=int(80 * SCALE))
MANY = settings(settings.get_profile("commlib"), max_examples=int(200 * SCALE))


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A folder for one example (pytest's tmp_path lives as long as the whole test)."""
    folder = Path(tempfile.mkdtemp(prefix="commlib-prop-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- valid values ---------------------------------------------------------------------------

#: characters of text fields: every kind of letter, CJK, punctuation, quotes, the characters
#: that start a formula; no control characters (the model refuses them) and no surrogates
_LETTERS = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\u2028\u2029\x85",
)
_TRICKY = st.sampled_from(["=", "+", "-", "@", "'", '"', ",", ";", "，", "“", "华", "\t", " "])
_CHAR = st.one_of(_LETTERS, _TRICKY)

one_line = st.text(st.one_of(_LETTERS, _TRICKY.filter(lambda c: c != "\t")), max_size=40).map(
    str.strip
)
name = one_line.filter(bool)
text = st.lists(st.one_of(_CHAR, st.sampled_from(["\n", "\r\n", "\r"])), max_size=80).map("".join)
item = text.map(str.strip).filter(bool)
when = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))]),
)
day = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
email = st.from_regex(r"[a-z0-9._-]{1,12}@[a-z0-9-]{1,12}\.(cn|com|org)", fullmatch=True)
money = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)
answer = st.one_of(
    text,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.lists(item, max_size=3),
)

PROJECT_ID = 1


@st.composite
def projects(draw: st.DrawFn) -> Project:
    start = draw(day)
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=date(2101, 1, 1))))
    return Project(
        id=PROJECT_ID,
        name=draw(name),
        client=draw(name),
        goals=draw(st.lists(item, max_size=3)),
        in_scope=draw(st.lists(item, max_size=2)),
        start=start,
        end=end,
        language=draw(st.sampled_from(["zh", "en"])),
        team=draw(st.lists(st.one_of(email, st.just("nimbus.com")), max_size=2)),
        visibility=draw(st.sampled_from(["internal", "client"])),
        notes=draw(text),
    )


@st.composite
def workbenches(draw: st.DrawFn) -> dict[str, list[Any]]:
    """A project with stakeholders, contacts, risks, lessons, change requests and a survey."""
    project = draw(projects())
    common = {"project_id": PROJECT_ID}
    people = [
        Stakeholder(
            id=n,
            name=draw(name),
            organisation=draw(one_line),
            email=draw(st.one_of(st.just(""), email)),
            phone=draw(st.from_regex(r"[0-9+() -]{0,20}", fullmatch=True)).strip(),
            timezone=draw(st.sampled_from(["", "Asia/Shanghai", "Europe/London", "UTC"])),
            power=draw(st.integers(1, 5)),
            interest=draw(st.integers(1, 5)),
            notes=draw(text),
            **common,
        )
        for n in range(1, draw(st.integers(0, 3)) + 1)
    ]
    ids = [p.id for p in people]
    contacts = [
        Contact(
            id=n,
            when=draw(when),
            stakeholder_ids=draw(st.lists(st.sampled_from(ids), unique=True)) if ids else [],
            channel=draw(st.sampled_from(["meeting", "video", "phone", "email", "im", "other"])),
            direction=draw(st.sampled_from(["inbound", "outbound"])),
            subject=draw(one_line),
            summary=draw(text),
            sentiment=draw(st.one_of(st.none(), st.integers(-2, 2))),
            created_at=draw(when),
            **common,
        )
        for n in range(1, draw(st.integers(0, 3)) + 1)
    ]
    risks = [
        Risk(
            id=n,
            title=draw(name),
            probability=draw(st.integers(1, 5)),
            impact=draw(st.integers(1, 5)),
            mitigation=draw(text),
            review_due=draw(st.one_of(st.none(), day)),
            cost_impact=draw(st.one_of(st.none(), money)),
            **common,
        )
        for n in range(1, draw(st.integers(0, 2)) + 1)
    ]
    lessons = [
        Lesson(id=n, title=draw(name), what_happened=draw(text), recorded_on=draw(day), **common)
        for n in range(1, draw(st.integers(0, 2)) + 1)
    ]
    requested = draw(day)
    changes = [
        ChangeRequest(
            id=1,
            title=draw(name),
            requested_on=requested,
            schedule_impact_days=draw(st.integers(-3650, 3650)),
            cost_impact=draw(st.one_of(st.none(), st.floats(-1e9, 1e9))),
            **common,
        )
    ]
    survey = Survey(id=1, name=draw(name), wave=draw(one_line), **common)
    question = Question(id=1, survey_id=1, code="Q1", text=draw(text), type="text", **common)
    codes = st.from_regex(r"Q[0-9]{1,2}", fullmatch=True)
    responses = [
        Response(
            id=n,
            survey_id=1,
            respondent=f"r{n}",
            submitted_at=draw(st.one_of(st.none(), when)),
            duration_s=draw(st.one_of(st.none(), money)),
            answers=draw(st.dictionaries(codes, answer, max_size=3)),
            **common,
        )
        for n in range(1, draw(st.integers(0, 2)) + 1)
    ]
    return {
        "projects": [project],
        "stakeholders": people,
        "contacts": contacts,
        "risks": risks,
        "lessons": lessons,
        "change_requests": changes,
        "surveys": [survey],
        "questions": [question],
        "responses": responses,
    }


def records(store: Store) -> dict[str, list[dict[str, Any]]]:
    return {kind: [r.model_dump() for r in store.records(kind)] for kind in KINDS}


@FEW
@given(workbenches())
def test_valid_records_round_trip_through_the_store_and_csv_unchanged(workbench):
    with scratch() as folder:
        first = Store(folder / "first.db")
        for found in workbench.values():
            first.add_all(found)
        stored = records(first)
        for kind, found in workbench.items():  # the store gives back what it was given
            expected = [r.model_dump(exclude={"created_at", "updated_at"}) for r in found]
            got = [
                {k: v for k, v in r.items() if k not in ("created_at", "updated_at")}
                for r in stored[kind]
            ]
            assert got == expected, kind
        export_csv(first, folder / "a")
        second = Store(folder / "second.db")
        import_csv(second, folder / "a")
        assert records(second) == stored
        export_csv(second, folder / "b")
        for path in sorted((folder / "a").iterdir()):
            assert path.read_bytes() == (folder / "b" / path.name).read_bytes(), path.name
        first.close()
        second.close()


# --- any value: a record or InvalidRecord -------------------------------------------------

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**31 - 3, max_value=2**70),
    st.integers(min_value=-(2**70), max_value=-(2**31) + 3),
    st.floats(),
    st.text(max_size=30),
    st.text(st.characters(), max_size=300),
    st.sampled_from(["Asia", "Asia/", "a" * 300, "../etc", "UTC", "Asia/Shanghai", "", " "]),
    st.sampled_from(["0001-01-01T00:00+08:00", "9999-12-31T23:59-08:00", "2026-02-30"]),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=14))])),
    st.datetimes(),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
BASES: dict[type, dict[str, Any]] = {
    Project: {"name": "P", "client": "C", "start": date(2026, 3, 1)},
    Stakeholder: {"project_id": 1, "name": "张伟"},
    Contact: {"project_id": 1, "when": datetime(2026, 3, 5, tzinfo=UTC)},
    Risk: {"project_id": 1, "title": "R"},
    Milestone: {
        "project_id": 1,
        "name": "M",
        "baseline_due": date(2026, 5, 1),
        "current_due": date(2026, 5, 1),
    },
    ChangeRequest: {"project_id": 1, "title": "C", "requested_on": date(2026, 3, 1)},
    Lesson: {"project_id": 1, "title": "L", "recorded_on": date(2026, 3, 1)},
    Survey: {"project_id": 1, "name": "S"},
    Question: {"project_id": 1, "survey_id": 1, "code": "Q1"},
    Response: {"project_id": 1, "survey_id": 1, "respondent": "r1"},
}


@st.composite
def field_values(draw: st.DrawFn) -> tuple[type, dict[str, Any]]:
    model = draw(st.sampled_from(list(BASES)))
    data = dict(BASES[model])
    for field in draw(st.lists(st.sampled_from(list(model.model_fields)), min_size=1, max_size=3)):
        data[field] = draw(anything)
    return model, data


@MANY
@given(field_values())
def test_any_value_gives_a_record_or_invalid_record(case):
    model, data = case
    try:
        record = validate(model, data)
    except InvalidRecord as err:
        assert err.problems and all(p.message for p in err.problems)
        assert "\n" not in str(err)
        return
    assert isinstance(record, model)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One store for the examples of a property (each example adds, none relies on others)."""
    store = Store(tmp_path_factory.mktemp("shared") / "shared.db")
    fill(store)  # project 1, survey 1
    yield store
    store.close()


@SOME
@given(st.sampled_from([Risk, Lesson, ChangeRequest, Stakeholder, Contact]), st.data())
def test_what_validation_accepts_the_store_stores_and_reads_back(shared, model, data):
    values = dict(BASES[model])
    for field in data.draw(st.lists(st.sampled_from(list(model.model_fields)), max_size=2)):
        if field not in ("project_id", "id", "created_at", "updated_at"):
            values[field] = data.draw(anything)
    values.pop("id", None)
    try:
        record = validate(model, values)
    except InvalidRecord:
        return
    try:
        stored = shared.add(record)
    except InvalidRecord as err:  # a reference to a record that does not exist
        assert all("no such record" in p.message for p in err.problems), err
        return
    except Conflict as err:  # the same source and source_id as an earlier example's
        assert "already" in str(err)
        return
    again = shared.get(model.kind, stored.id)
    assert again.model_dump(exclude={"created_at", "updated_at"}) == stored.model_dump(
        exclude={"created_at", "updated_at"}
    )


@SOME
@given(st.sampled_from(["probability", "title", "review_due", "cost_impact", "id"]), anything)
def test_an_update_with_any_value_is_stored_or_refused(shared, field, value):
    risk = shared.add(Risk(project_id=1, title="更新"))
    try:
        shared.update("risks", risk.id, **{field: value})
    except InvalidRecord:
        assert shared.get("risks", risk.id) == risk  # unchanged
        return
    shared.get("risks", risk.id)  # and readable


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Contact, {"project_id": 1, "when": "0001-01-01T00:00+08:00"}),
        (Stakeholder, {"project_id": 1, "name": "x", "timezone": "Asia"}),
    ],
)
def test_the_constructor_gives_invalid_record_too(model, values):
    with pytest.raises(InvalidRecord):
        model(**values)


# --- survey answers -------------------------------------------------------------------------

QUESTIONS = [
    {"code": "Q1", "text": "推荐意愿", "type": "nps", "options": [str(i) for i in range(11)]},
    {"code": "Q2", "text": "满意度", "type": "likert", "options": ["差", "中", "好"]},
    {"code": "Q3", "text": "角色", "type": "single", "options": ["IT", "业务"]},
    {"code": "Q4", "text": "做得好的", "type": "multi", "options": ["沟通", "交付"]},
    {"code": "Q5", "text": "建议", "type": "text"},
    {"code": "Q6", "text": "人数", "type": "numeric"},
]
any_answer = st.one_of(
    st.none(),
    anything,
    st.sampled_from(["IT", "业务", "沟通", "差", "好", "x\x01y", "\x00", "长" * 20_001]),
    st.lists(st.sampled_from(["沟通", "交付", "x", "沟通"]), max_size=3),
)


@SOME
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "respondent": st.one_of(st.text(max_size=8), st.integers(), st.just("r\x01")),
                "submitted_at": st.one_of(st.none(), anything),
                "duration_s": st.one_of(st.none(), anything),
                "source": st.one_of(st.just(""), st.text(max_size=10)),
                "answers": st.dictionaries(
                    st.sampled_from([q["code"] for q in QUESTIONS]), any_answer
                ),
            }
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_survey_answer_is_stored_readably_or_refused(shared, rows):
    survey = save_survey(shared, 1, {"name": "属性", "wave": "W"}, QUESTIONS).survey
    before = len(shared.records("responses"))
    try:
        save_responses(shared, survey, rows)
    except InvalidRecord as err:
        assert err.problems and "\n" not in str(err)
        assert len(shared.records("responses")) == before
        return
    shared.records("responses")  # every stored answer passes the model
    responses_frame(shared, survey)


# --- importers: arbitrary bytes and text ----------------------------------------------------

IMPORTER_NAMES = [i.name for i in IMPORTERS]
HEADS = {
    "ics": ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20260310T020000Z", "RRULE:FREQ=DAILY"],
    "mbox": ["From zhang.wei@huachen.cn Thu Mar  5 06:30:00 2026", "From: zhang.wei@huachen.cn"],
    "eml": ["From: zhang.wei@huachen.cn", "To: lead@nimbus-consulting.com", "Date: x"],
    "contact_csv": ["when,stakeholder,channel,direction,subject,summary,visibility"],
    "wenjuanxing": ["序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、满意度,2、推荐,第3题(A)"],
    "qualtrics": [
        "StartDate,EndDate,Finished,ResponseId,Q1,Q2_1,Q2_2",
        "Start Date,End Date,Finished,Response ID,Q one,Q two - a,Q two - b",
        '{"ImportId":"a"},{"ImportId":"b"},{"ImportId":"c"},{"ImportId":"d"},x,y,z',
    ],
    "surveymonkey": ["Respondent ID,Collector ID,Start Date,End Date,Q1,,Q2", ",,,,Response,a,b"],
    "limesurvey": ["id,submitdate,lastpage,startlanguage,Q1,Q2[SQ001],Q2[SQ002],Q3[other]"],
    "google_forms": ["Timestamp,How likely to recommend?,Grid [a],Grid [b]"],
    "wenjuan_com": ["答题序号,来源,Q1:满意度,Q2|A1,Q2|A2,Q2|A3|open,开始时间,提交时间,答题时长"],
    "tencent": ["编号,开始答题时间,结束答题时间,答题时长,地理位置省,1.满意度,2.功能:报表"],
    "ms_forms": ["Id,Start time,Completion time,Email,Name,Which topics?,Points - Which?"],
    "typeform": ["#,Your name?,Email,Phone,Response Type,Start Date (UTC),Submit Date (UTC)"],
    "survey_table": ["id,submitted_at,duration,Q1,Q2"],
}
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            *["", "1", "11", "-2", "2026/3/5 14:30", "2026-02-30", "满意", "A┋B", "a, b", "Y"],
            *["=1+1", "<script>", "10秒", "1e999", "nan", '"', "\r\n", "BEGIN:VEVENT"],
        ]
    ),
)


@st.composite
def shaped(draw: st.DrawFn, kind: str) -> bytes:
    """Text shaped like a kind of file: its header lines, then rows of odd cells."""
    separator = draw(st.sampled_from([",", ",", "\t", ";", ":", "\n"]))
    lines = list(HEADS[kind])
    for _ in range(draw(st.integers(0, 6))):
        lines.append(separator.join(draw(st.lists(CELLS, max_size=9))))
    data = draw(st.sampled_from(["\r\n", "\n"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]))
    raw = data.encode(encoding, "replace")
    cut = draw(st.integers(0, len(raw)))
    return raw[:cut] if draw(st.booleans()) else raw


def _run(store: Store, name: str, data: bytes, suffix: str) -> None:
    """One importer's ``run`` on the data: a report, or a CommlibError that wrote nothing."""
    importer = next(i for i in IMPORTERS if i.name == name)
    project = store.project(1)
    before = store.counts()
    with scratch() as folder:
        path = folder / f"export{suffix}"
        path.write_bytes(data)
        try:
            report = importer.run(store, project, path, survey="属性", wave="P")
        except CommlibError as err:
            assert str(err).strip(), name
            assert store.counts() == before, name
            return
        assert report.ok
        # and the same file through detection gives a report, never an unexpected error
        report = import_file(store, path, project, survey="属性", wave="P")
        assert "please report" not in (report.refused or ""), report.refused


@SOME
@given(st.sampled_from(IMPORTER_NAMES), st.binary(max_size=600), st.sampled_from([".csv", ".x"]))
def test_arbitrary_bytes_give_a_report_or_a_commlib_error(shared, name, data, suffix):
    _run(shared, name, data, suffix)


@SOME
@given(st.sampled_from(IMPORTER_NAMES), st.data())
def test_text_shaped_like_each_file_gives_a_report_or_a_commlib_error(shared, name, data):
    _run(shared, name, data.draw(shaped(name)), ".txt")


@FEW
@given(st.sampled_from(["wenjuanxing", "survey_table"]), st.binary(min_size=1, max_size=300))
def test_arbitrary_bytes_after_a_workbook_signature(shared, name, data):
    _run(shared, name, b"PK\x03\x04" + data, ".xlsx")


# --- import-csv: any text in any cell ------------------------------------------------------


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dump")
    source = Store(folder / "source.db")
    fill(source)
    export_csv(source, folder / "csv")
    source.close()
    return folder / "csv"


@FEW
@given(st.data())
def test_any_cell_of_an_export_is_imported_or_refused_cleanly(dump, data):
    files = sorted(p.name for p in dump.iterdir())
    name = data.draw(st.sampled_from(files))
    with (dump / name).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assume(len(rows) > 1)
    row = data.draw(st.integers(1, len(rows) - 1))
    column = data.draw(st.integers(0, len(rows[0]) - 1))
    rows[row][column] = data.draw(
        st.one_of(
            st.text(max_size=20),
            st.text(st.sampled_from(string.digits + "-+.eE:T "), max_size=25),
            st.sampled_from(["99999999999", "-1", "[", "[[1]]", '{"a": [1]}', "null", "NaN"]),
            st.sampled_from(["0001-01-01T00:00:00+08:00", "Asia", "2026-02-30", "1e400"]),
        )
    )
    with scratch() as folder:
        shutil.copytree(dump, folder / "csv")
        with (folder / "csv" / name).open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
        target = Store(folder / "target.db")
        try:
            import_csv(target, folder / "csv")
        except CommlibError as err:
            assert "\n" not in str(err)
            assert target.counts() == {}
        else:
            records(target)  # what was imported reads back through the models
            target.changes()
        target.close()
