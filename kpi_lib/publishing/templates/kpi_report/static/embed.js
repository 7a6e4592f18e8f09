// Draws the Vega-Lite spec held in the JSON element just before the
// calling script, into the same box. Reports are opened offline: the loader refuses any
// URL, so a spec that points at external data fails visibly instead of going online.
function kpiRefuse(uri) {
  return Promise.reject(new Error("offline report: not loading " + uri));
}
var kpiOfflineLoader = {load: kpiRefuse, sanitize: kpiRefuse, http: kpiRefuse, file: kpiRefuse};

function kpiEmbed(script) {
  var box = script.parentElement;
  var spec = JSON.parse(script.previousElementSibling.textContent);
  var target = document.createElement("div");
  box.appendChild(target);
  box.setAttribute("data-kpi-state", "pending");
  vegaEmbed(target, spec, {
    mode: "vega-lite",
    renderer: "svg",
    actions: false,
    loader: kpiOfflineLoader
  }).then(function () {
    // The chart's text alternative: its Vega-Lite description as the SVG's label (this Vega
    // build does not set one), its figures in the table under the chart.
    var svg = target.querySelector("svg");
    if (svg && spec.description) {
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", spec.description);
    }
    box.setAttribute("data-kpi-state", "done");
  }).catch(function (err) {
    box.setAttribute("data-kpi-state", "error");
    target.textContent = "グラフを表示できません (chart failed): " + err.message;
    console.error(err);
  });
}
