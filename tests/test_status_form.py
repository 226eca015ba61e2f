"""The override form: set an area's status with a reason, withdraw it, undo; client mode."""

from datetime import date

import pytest

from commlib import Project, Store
from commlib.forms import set_screen_audience
from commlib.status_form import StatusOverrideForm
from commlib.summary import active_overrides

TODAY = date(2026, 3, 31)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "s.db")
    s.add(Project(name="P", client="C", start=date(2026, 1, 1), language="en"))
    yield s
    s.close()


def _form(store, **kw):
    return StatusOverrideForm(store, "P", lang="en", today=TODAY, **kw)


def test_a_reason_is_required_and_nothing_is_saved_without_one(store):
    form = _form(store)
    form.form.set_values({"area": "schedule", "status": "red", "reason": "  "})
    assert form.save() is False
    assert "reason" in form.form.errors()
    assert store.frame("status_overrides", "P").empty


def test_save_sets_the_area_and_a_second_save_keeps_the_first_in_the_history(store):
    form = _form(store)
    form.form.set_values({"area": "schedule", "status": "red", "reason": "vendor late"})
    assert form.save()
    assert "Schedule" in form.status.message
    form.form.set_values({"area": "schedule", "status": "amber", "reason": "vendor back"})
    assert form.save()
    found = active_overrides(store, "P")
    assert found["schedule"]["status"] == "amber"
    history = store.history("P", kind="status_overrides")
    assert ("red", "amber") in set(zip(history["old"], history["new"], strict=True))
    assert "vendor back" in form.current.value


def test_withdraw_and_undo(store):
    form = _form(store)
    form.form.set_values({"area": "risks", "status": "green", "reason": "all mitigated"})
    form.save()
    assert form.withdraw()
    assert active_overrides(store, "P") == {}
    assert form.undo.undo()
    assert active_overrides(store, "P")["risks"]["reason"] == "all mitigated"
    # withdrawing an area with nothing set says so
    form.form.set_values({"area": "scope"})
    assert form.withdraw()
    assert form.status.level == "info"


def test_undo_of_a_first_override_removes_it(store):
    form = _form(store)
    form.form.set_values({"area": "issues", "status": "red", "reason": "<b>x</b>"})
    form.save()
    assert "&lt;b&gt;" in form.current.value  # escaped
    assert form.undo.undo()
    assert active_overrides(store, "P") == {}


def test_client_mode_saves_client_visible_and_shows_only_shared_overrides(store):
    form = _form(store)
    form.form.set_values(
        {
            "area": "scope",
            "status": "amber",
            "reason": "SENTINEL internal",
            "visibility": "internal",
        }
    )
    form.save()
    set_screen_audience(store, store.project("P").id, "client")
    assert "SENTINEL" not in form.current.value
    assert form.form["visibility"].value == "client"
    assert form.badge.layout.display is None
