/* zhuanjie: draw diagrams with bpmn-js (NavigatedViewer) and mark them.
 * Case page: completed elements, active and overdue tasks, taken flows (marker classes
 * zj-done / zj-active / zj-overdue / zj-flow on the SVG elements).
 * Heatmap page: per element a badge with the cases there now and the median time spent.
 * The data is the JSON block #diagram-data written by the server; the page's tables say the
 * same in words, so nothing depends on this script. */
(function () {
  "use strict";
  var dataEl = document.getElementById("diagram-data");
  if (!dataEl || typeof window.BpmnJS === "undefined") {
    return;
  }
  var data = JSON.parse(dataEl.textContent);
  var MARKERS = {done: "zj-done", active: "zj-active", overdue: "zj-overdue", flows: "zj-flow"};

  function mark(viewer, d) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    Object.keys(MARKERS).forEach(function (key) {
      (d[key] || []).forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, MARKERS[key]);
        }
      });
    });
  }

  function heat(viewer, d) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var overlays = viewer.get("overlays");
    (d.heat || []).forEach(function (h) {
      if (!registry.get(h.id)) {
        return;
      }
      canvas.addMarker(h.id, "zj-heat-" + h.level);
      var badge = document.createElement(h.link ? "a" : "span");
      badge.className = "zj-heat-badge heat-" + h.level;
      if (h.link) {
        badge.href = h.link;
      }
      badge.title = h.title;
      badge.textContent = h.label;
      overlays.add(h.id, "zj-heat", {position: {bottom: 2, left: -4}, html: badge});
    });
  }

  data.diagrams.forEach(function (d, i) {
    var container = document.getElementById("diagram-" + i);
    if (!container) {
      return;
    }
    var viewer = new window.BpmnJS({container: container});
    viewer.importXML(d.xml).then(function () {
      viewer.get("canvas").zoom("fit-viewport", "auto");
      mark(viewer, d);
      heat(viewer, d);
      container.setAttribute("data-ready", "true");
    }).catch(function (err) {
      container.textContent = "流程图无法显示：" + ((err && err.message) || err);
      container.setAttribute("data-ready", "error");
    });
  });
}());
