"""Surveys: import platform exports, run pulse surveys in a session, and analyse them.

    from commlib.surveys import responses_frame, codebook, analyse, nps_chart

``data.py`` reads and writes survey responses (the wide frame: one row per response, one
column per question); ``formats/`` reads each platform's export (through ``commlib import``);
``templates.py``, ``wave_store.py`` (the waves of a survey in the store) and ``widgets.py``
run surveys in a session; ``analysis/`` and ``charts.py`` are pure functions over the wide
frame and its codebook, and ``client.py`` says what they found in a client's words.
"""

from __future__ import annotations

from .. import _lazy

# Loaded with the package: cheap (pandas and the store).
from .data import codebook, responses_frame, save_responses, save_survey
from .templates import TEMPLATES, create_survey, template_questions
from .wave_store import choose_survey, next_wave, waves

#: loaded when first used (PEP 562): the analysis needs scipy, the charts altair, the form
#: ipywidgets — none of which an import from the command line should wait for
_LAZY = {
    **dict.fromkeys(
        [
            "analyse",
            "crosstab",
            "csat",
            "drivers",
            "keywords",
            "likert",
            "means",
            "multi_select",
            "nps",
            "response_rate",
            "wave_change",
        ],
        "analysis",
    ),
    **dict.fromkeys(
        ["crosstab_chart", "likert_chart", "multi_chart", "nps_chart", "trend_chart"], "charts"
    ),
    "ClientSurvey": "client",
    "client_summary": "client",
    "SurveyForm": "widgets",
}


__getattr__, __dir__ = _lazy.attach(__name__, _LAZY)


__all__ = [
    "TEMPLATES",
    "ClientSurvey",
    "SurveyForm",
    "analyse",
    "choose_survey",
    "client_summary",
    "codebook",
    "create_survey",
    "crosstab",
    "crosstab_chart",
    "csat",
    "drivers",
    "keywords",
    "likert",
    "likert_chart",
    "means",
    "multi_chart",
    "multi_select",
    "next_wave",
    "nps",
    "nps_chart",
    "response_rate",
    "responses_frame",
    "save_responses",
    "save_survey",
    "template_questions",
    "trend_chart",
    "wave_change",
    "waves",
]
