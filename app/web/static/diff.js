/* Version diff: both versions side by side (bpmn-js NavigatedViewer), added elements
 * marked green on the new version, removed red on the old one, changed amber on both;
 * a click on a row of the list brings the element into view in both diagrams. */
(function () {
  "use strict";
  var root = document.getElementById("diff");
  if (!root || !window.BpmnJS) { return; }
  var ids = { added: JSON.parse(root.dataset.added), removed: JSON.parse(root.dataset.removed),
              changed: JSON.parse(root.dataset.changed) };
  function viewer(container) {
    return new window.BpmnJS({ container: container,
                               moddleExtensions: { spiffworkflow: window.ZJBpmn.moddle } });
  }
  var sides = { old: viewer("#viewer-old"), "new": viewer("#viewer-new") };
  function mark(side, list, marker) {
    var canvas = sides[side].get("canvas");
    var registry = sides[side].get("elementRegistry");
    list.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, marker); } });
  }
  function load(side, url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); })
      .then(function (xml) { return sides[side].importXML(xml); })
      .then(function () { sides[side].get("canvas").zoom("fit-viewport"); });
  }
  Promise.all([load("old", root.dataset.oldUrl), load("new", root.dataset.newUrl)]).then(function () {
    mark("old", ids.removed, "zj-removed");
    mark("old", ids.changed, "zj-changed");
    mark("new", ids.added, "zj-added");
    mark("new", ids.changed, "zj-changed");
    root.setAttribute("data-ready", "true");
  });
  var focused = null;
  document.querySelectorAll("#changes tr[data-element]").forEach(function (row) {
    row.addEventListener("click", function (e) {
      e.preventDefault();
      var id = row.dataset.element;
      ["old", "new"].forEach(function (side) {
        var registry = sides[side].get("elementRegistry");
        var canvas = sides[side].get("canvas");
        if (focused && registry.get(focused)) { canvas.removeMarker(focused, "zj-focus"); }
        var element = registry.get(id);
        if (element) { canvas.addMarker(id, "zj-focus"); canvas.scrollToElement(element); }
      });
      focused = id;
    });
  });
})();
