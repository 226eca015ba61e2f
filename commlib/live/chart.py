"""Charts that draw inside JupyterLab with no network.

altair's default output loads Vega from a CDN, which a meeting room or a client's network
often blocks. Here a chart is a small widget (anywidget, whose JupyterLab extension is
prebuilt and installed with the package): the first chart on a page asks the kernel for the
Vega bundle that ships with vl-convert (the one the HTML reports inline) and every chart of
the page uses it. Tooltips and bound params (wave, segment, risk pickers) run in the page,
as in the reports. The bundle is :func:`commlib.report.vega_bundle`, built once per
vl-convert version and kept in the user's cache folder, so later kernels start at once::

    from commlib.live.chart import enable
    enable("zh")     # from here on, every altair chart in this kernel draws offline
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from ..i18n import get_language, normalise

#: the name altair knows this renderer by
RENDERER = "commlib-live"

_ESM = """
const KEY = "__commlibVegaEmbed";

function vegaEmbedOf(model) {
  if (!globalThis[KEY]) {
    globalThis[KEY] = new Promise((resolve, reject) => {
      const heard = (message) => {
        if (!message || message.type !== "bundle") return;
        model.off("msg:custom", heard);
        try {
          const script = document.createElement("script");
          script.textContent = message.source;
          document.head.appendChild(script);
          resolve(globalThis.vegaEmbed);
        } catch (error) {
          delete globalThis[KEY];
          reject(error);
        }
      };
      model.on("msg:custom", heard);
      model.send({ type: "bundle" });
    });
  }
  return globalThis[KEY];
}

async function render({ model, el }) {
  el.classList.add("commlib-chart");
  const embed = await vegaEmbedOf(model);
  let result = null;
  const draw = async () => {
    if (result) result.finalize();
    el.replaceChildren();
    const target = document.createElement("div");
    el.appendChild(target);
    result = await embed(target, model.get("spec"), model.get("options"));
  };
  model.on("change:spec", draw);
  await draw();
  return () => {
    model.off("change:spec", draw);
    if (result) result.finalize();
  };
}

export default { render };
"""


class VegaChart(anywidget.AnyWidget):
    """One Vega-Lite chart, drawn in the page with the bundled Vega (no network).

    Setting ``spec`` redraws it in place (a live view refreshing after a save)."""

    _esm = _ESM
    spec = traitlets.Dict().tag(sync=True)
    options = traitlets.Dict().tag(sync=True)

    def __init__(self, spec: dict[str, Any], options: dict[str, Any] | None = None) -> None:
        super().__init__(spec=spec, options=options or {})
        self.on_msg(self._heard)

    def _heard(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "bundle":
            from ..report import vega_bundle

            self.send({"type": "bundle", "source": vega_bundle()})


def chart_widget(chart: Any, lang: str | None = None) -> VegaChart:
    """An altair chart (or a Vega-Lite dict) as a ``VegaChart`` in ``lang``'s d3 locale."""
    from ..report import embed_options

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return VegaChart(spec, embed_options(lang))


def live_renderer(spec: dict[str, Any], lang: str | None = None, **_metadata: object) -> Any:
    """altair renderer: the chart as a ``VegaChart`` widget view."""
    return chart_widget(spec, lang)._repr_mimebundle_()


def enable(lang: str | None = None) -> None:
    """Draw every altair chart of this kernel as a ``VegaChart`` (offline), in ``lang``."""
    import altair as alt

    alt.renderers.register(RENDERER, live_renderer)
    alt.renderers.enable(RENDERER, lang=normalise(lang) if lang else get_language())
