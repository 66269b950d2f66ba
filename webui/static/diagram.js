// Render the instance's BPMN with bpmn-js and mark completed, active and waiting elements.
(function () {
  "use strict";
  var container = document.getElementById("canvas");
  if (!container || !window.BpmnJS) { return; }
  var states = JSON.parse(document.getElementById("element-states").textContent || "{}");
  var viewer = new window.BpmnJS({ container: container });
  fetch(container.dataset.xml, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      canvas.zoom("fit-viewport");
      Object.keys(states).forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "state-" + states[id]); }
      });
      Array.prototype.forEach.call(document.querySelectorAll("[data-zoom]"), function (b) {
        b.addEventListener("click", function () {
          if (b.dataset.zoom === "fit") { canvas.zoom("fit-viewport"); return; }
          canvas.zoom(canvas.zoom() * (b.dataset.zoom === "in" ? 1.25 : 0.8));
        });
      });
      container.dataset.ready = "true";
    })
    .catch(function (err) {
      container.textContent = container.dataset.error + " (" + err.message + ")";
      container.dataset.ready = "error";
    });
})();
