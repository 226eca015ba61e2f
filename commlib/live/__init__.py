"""The live page of a session notebook in JupyterLab: the audience on screen, tables
labelled as in the reports, charts that draw with no network, and views that refresh
themselves after a save.

    from commlib.live import Page
    page = Page(store, project, audience="client", lang="zh")
    page.live(lambda: page.frame("milestones"))

``page.py`` holds the page and its views; ``chart.py`` the offline chart widget.
"""

from .chart import VegaChart
from .page import LiveView, Page

__all__ = ["LiveView", "Page", "VegaChart"]
