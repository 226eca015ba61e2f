"""Survey analysis: pure functions over the wide response frame and its codebook.

Every function takes the frame of ``commlib.surveys.data.responses_frame`` (one row per
response, one column per question code: likert/nps/rating/numeric as float64, single as a
Categorical of the options, text as str, multi and rank as lists) and its ``codebook``
(``code, text, type, options, parent, position``), both plain DataFrames; nothing here reads a
store or the clock.

    >>> result = analyse(frame, codebook, overall="Q1", segment="Q9")
    >>> result.nps                    # NPS with its 95% interval, per NPS question and wave
    >>> nps(frame, codebook, segment="Q9", wave_col="wave")
    >>> crosstab(frame, codebook, "Q9", "Q4").p_value

Conventions
    * Shares are proportions (0..1); NPS is in points (−100..100). Intervals are 95%.
    * Grouped tables start with a ``wave`` and/or ``segment`` column and have one row per group
      with answers. Waves are in frame order (:func:`wave_order`); segments in option order (a
      single-choice question), category order (a Categorical), else sorted; a missing segment
      value is a group of its own (NaN).
    * Missing answers (NaN, None) are left out of every count and denominator, and so are
      answers off the question's scale (a likert 0 or 6 on five options, an NPS of 11).

How it stays fast: a question with a few possible answers (likert, NPS, a rating in whole
points, single and multi choice) is read once, into counts per group and answer with
``np.bincount`` on integer codes; distributions, NPS, CSAT, means and standard deviations,
crosstabs and even correlations (from the joint table of two items) are computed from those
counts. :func:`analyse` counts every question once, by wave × segment, and sums to coarser
groups. No Python loop runs over responses, only over questions, groups and distinct texts.

Where things live (import the names from this package, not from its private modules):

============== ===========================================================================
``_codebook``  :class:`Item` (one codebook row), :func:`questions`, :func:`item_of`
``_encode``    answers as scores and integer codes (internal)
``_groups``    :class:`Groups` (by wave and/or segment), :func:`wave_order`, the factors
``_counts``    counts per group and the tables made from them; :func:`wilson_interval`
``_measures``  :func:`nps`, :func:`csat`, :func:`means`, :func:`likert`, :func:`choices`,
               :func:`multi_select`, :func:`keywords`, :func:`response_rate`
``_crosstab``  :class:`Crosstab`, :func:`crosstab`, :func:`crosstab_counts`
``_change``    :func:`wave_change`, :func:`default_measure`
``_drivers``   :func:`drivers`
``_analyse``   :func:`analyse` and :class:`SurveyAnalysis`
============== ===========================================================================
"""

from __future__ import annotations

from ...errors import AnalysisError
from ._analyse import SurveyAnalysis, analyse
from ._change import default_measure, wave_change
from ._codebook import SCORED, Item, item_of, questions
from ._counts import NPS_GROUPS, Z95, nps_labels, wilson_interval
from ._crosstab import Crosstab, crosstab, crosstab_counts
from ._drivers import drivers
from ._groups import Groups, segment_factor, wave_factor, wave_order
from ._measures import choices, csat, keywords, likert, means, multi_select, nps, response_rate

#: the old names, kept for compatibility: ``Item`` was ``Question`` (not the stored
#: ``commlib.Question`` record), ``wave_order`` was ``waves`` (not ``commlib.surveys.waves``)
Question = Item
waves = wave_order

__all__ = [
    "NPS_GROUPS",
    "SCORED",
    "Z95",
    "AnalysisError",
    "Crosstab",
    "Groups",
    "Item",
    "Question",
    "SurveyAnalysis",
    "analyse",
    "choices",
    "crosstab",
    "crosstab_counts",
    "csat",
    "default_measure",
    "drivers",
    "item_of",
    "keywords",
    "likert",
    "means",
    "multi_select",
    "nps",
    "nps_labels",
    "questions",
    "response_rate",
    "segment_factor",
    "wave_change",
    "wave_factor",
    "wave_order",
    "waves",
    "wilson_interval",
]
