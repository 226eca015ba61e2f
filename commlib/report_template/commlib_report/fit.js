/* commlib: a chart wider than its box (a phone) is drawn again at the box's width: single and
   layered views get width "container" and autosize fit-x, the legend under the plot and long
   titles on more lines, so text keeps its size instead of shrinking with the picture. */
(function () {
  var MULTI = ["hconcat", "vconcat", "concat", "facet", "repeat"];
  function single(spec) {
    return !MULTI.some(function (k) { return k in spec; });
  }
  function wrap(text, px, size) {
    if (Array.isArray(text)) {
      return [].concat.apply([], text.map(function (line) { return [].concat(wrap(line, px, size)); }));
    }
    if (typeof text !== "string") return text;
    var per = Math.max(8, Math.floor(px / (size * 1.25)));
    var lines = [], line = "";
    // words, and each CJK character on its own (a line may break between any two)
    var parts = text.match(/[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+/g) || [];
    var wide = function (s) { return s.replace(/[^\u2e80-\uffff]/g, "").length; };
    var width = function (s) { return wide(s) + 0.55 * (s.length - wide(s)); };
    parts.forEach(function (p) {
      if (line && width(line + p) > per) { lines.push(line.trim()); line = p.trimStart(); }
      else line += p;
    });
    if (line.trim()) lines.push(line.trim());
    return lines.length > 1 ? lines : text;
  }
  function titled(title, px) {
    if (!title) return title;
    if (typeof title === "string" || Array.isArray(title)) title = { text: title };
    // from the left edge of the whole chart, not centred over the plot (which the axis
    // labels push right): a long line then ends inside the box
    var out = Object.assign({}, title, { anchor: "start", frame: "bounds" });
    out.text = wrap(title.text, px, title.fontSize || 13);
    if (title.subtitle) out.subtitle = wrap(title.subtitle, px, title.subtitleFontSize || 11);
    return out;
  }
  // legends under the plot, even where a chart placed its own: two entries a row, or one
  // when its labels are long (a risk's title); labels and axis labels no wider than the box
  function narrowLegends(unit, box) {
    Object.keys(unit.encoding || {}).forEach(function (channel) {
      var enc = unit.encoding[channel];
      if (!enc || typeof enc !== "object") return;
      if (enc.axis) enc.axis.labelLimit = Math.min(enc.axis.labelLimit || 1e9, Math.round(box * 0.35));
      if (!LEGENDS.includes(channel) || enc.legend === null) return;
      var limit = (enc.legend || {}).labelLimit || 160;
      var columns = limit > box / 2 - 40 ? 1 : 2;
      enc.legend = Object.assign({}, enc.legend || {}, {
        orient: "bottom", direction: "horizontal", columns: columns,
        labelLimit: Math.min(limit, Math.round(box / columns) - 40)
      });
    });
    (unit.layer || []).forEach(function (layer) { narrowLegends(layer, box); });
  }
  var LEGENDS = ["color", "fill", "stroke", "shape", "size", "opacity"];
  window.commlibFit = function (selector, result, options) {
    var el = document.querySelector(selector);
    if (!el || !result || !result.spec || !single(result.spec)) return;
    var box = el.parentElement ? el.parentElement.clientWidth : 0;
    var drawn = el.querySelector("svg, canvas");
    if (!box || !drawn) return;
    var natural = parseFloat(drawn.style.width) || parseFloat(drawn.getAttribute("width")) || 0;
    if (natural <= box + 1) return;
    var spec = JSON.parse(JSON.stringify(result.spec));
    spec.width = "container";
    spec.autosize = { type: "fit-x", contains: "padding" };
    spec.config = spec.config || {};
    spec.config.legend = Object.assign({ orient: "bottom", columns: 2 }, spec.config.legend || {});
    spec.config.axis = Object.assign({ labelLimit: Math.round(box * 0.35) }, spec.config.axis || {});
    narrowLegends(spec, box);
    if (spec.title) spec.title = titled(spec.title, box - 24);
    result.finalize && result.finalize();
    el.innerHTML = "";
    el.classList.add("commlib-fit");
    window.vegaEmbed(selector, spec, options);
  };
})();
