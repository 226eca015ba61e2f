"""The registry is a leaf: importing it loads no importer; the built-in ones come, in one
order, the first time the list is asked for; a later importer goes after them."""

import json
import subprocess
import sys
from pathlib import Path

from commlib.importers import detect, registry
from commlib.importers.registry import Importer

BUILT_IN = [
    "ics",
    "mbox",
    "eml",
    "contact_csv",
    "wenjuanxing",
    "wenjuan_com",
    "tencent",
    "qualtrics",
    "surveymonkey",
    "limesurvey",
    "ms_forms",
    "typeform",
    "google_forms",
    "survey_table",
]


def _fresh(code: str) -> object:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_importing_the_registry_loads_no_importer():
    loaded = _fresh(
        "import json, sys, commlib.importers.registry; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.startswith(('commlib.importers.', 'commlib.surveys')))))"
    )
    # the package's own plumbing (reports, the import loop), and none of the importers
    plumbing = {"registry", "_import", "_report", "_contacts"}
    assert {m.removeprefix("commlib.importers.") for m in loaded} <= plumbing, loaded


def test_the_built_in_importers_come_in_one_order_when_first_asked_for():
    names = _fresh(
        "import json; from commlib.importers import IMPORTERS; "
        "print(json.dumps([i.name for i in IMPORTERS]))"
    )
    assert names == BUILT_IN


def test_any_import_order_works():
    # each of these used to be reachable only through the registry's half-loaded module
    for first in ["commlib.importers.mail", "commlib.importers.surveys", "commlib.importers"]:
        names = _fresh(
            f"import json, {first}; from commlib.importers import registry; "
            "print(json.dumps([i.name for i in registry.importers()]))"
        )
        assert names == BUILT_IN, first


def test_a_registered_importer_goes_after_the_built_in_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "_IMPORTERS", list(registry.importers()))
    note = tmp_path / "minutes.note"
    note.write_text("NOTE v1\nminutes", encoding="utf-8")

    def sniff(path: Path, head: bytes) -> bool:
        return head.startswith(b"NOTE v1")

    mine = Importer("note", sniff, lambda *a, **k: None, lambda: "note", lambda: "NOTE v1 files")
    registry.register(mine)
    assert [i.name for i in registry.importers()] == [*BUILT_IN, "note"]
    assert detect(note, note.read_bytes()) is mine
    registry.register(Importer("note", sniff, mine.run, lambda: "note 2", mine.describe))
    assert [i.label() for i in registry.importers()][-1] == "note 2"
    assert len(registry.importers()) == len(BUILT_IN) + 1
