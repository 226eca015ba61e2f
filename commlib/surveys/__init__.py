"""Surveys: import platform exports, run pulse surveys in a session, and analyse them.

    from commlib.surveys import responses_frame, codebook, analyse, nps_chart

``data.py`` reads and writes survey responses (the wide frame: one row per response, one
column per question); ``formats/`` reads each platform's export (through ``commlib import``);
``templates.py``, ``waves.py`` and ``widgets.py`` run surveys in a session; ``analysis.py``
and ``charts.py`` are pure functions over the wide frame and its codebook.
"""

from .analysis import (
    analyse,
    crosstab,
    csat,
    drivers,
    keywords,
    likert,
    means,
    multi_select,
    nps,
    response_rate,
    wave_change,
)
from .charts import crosstab_chart, likert_chart, multi_chart, nps_chart, trend_chart
from .client import ClientSurvey, client_summary
from .data import codebook, responses_frame, save_responses, save_survey
from .templates import TEMPLATES, create_survey, template_questions
from .waves import choose_survey, next_wave, waves
from .widgets import SurveyForm

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
