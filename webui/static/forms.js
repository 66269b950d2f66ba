// Task forms: a field that applies only to some choices of another field (the price
// model's own parameters) is shown only while one of those choices is made. The server
// drops such fields when the choice does not match, so the form works without this too.
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-when-field]");
  function update() {
    Array.prototype.forEach.call(blocks, function (block) {
      var control = document.getElementById(block.dataset.whenField);
      var values = JSON.parse(block.dataset.whenValues || "[]");
      var shown = !control || values.indexOf(control.value) >= 0;
      block.hidden = !shown;
      Array.prototype.forEach.call(block.querySelectorAll("input, select, textarea"),
        function (input) { input.disabled = !shown; });
    });
  }
  Array.prototype.forEach.call(blocks, function (block) {
    var control = document.getElementById(block.dataset.whenField);
    if (control) { control.addEventListener("change", update); }
  });
  update();
})();
