"""The demo's content: every text of the two demo projects, apart from the code that builds them.

Each module here is plain data (row types and tables, one row per record, no code), read by the
builder of the same name: ``content/risks.py`` by ``demo/_risks.py``. The two projects tell the
same story, so a text is written once as a ``(zh, en)`` pair (``Tx``) beside the numbers both
share (days, scores, owners); tables that differ by project (the settings, the people) are keyed
by language. Placeholders such as ``{system}``, ``{site1}`` or a stakeholder's key
(``{finance}``) are filled in the project's words. A note that starts with ``INTERNAL[lang]``
makes its record internal.

Rewording a text changes only that text. Adding or removing a row, a detail or an option changes
what a seed draws, and so the records built after it.
"""

Tx = tuple[str, str]  # the same text in Chinese and in English

DEMO_PROJECTS = {"zh": "华辰 MES 升级（演示）", "en": "Harbourside WMS rollout (demo)"}
LANGS = ("zh", "en")
#: internal notes start with this; a record whose table note starts with it is internal
INTERNAL = {"zh": "【内部】", "en": "[Internal] "}
