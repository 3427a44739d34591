// The task page: conditional requirements follow the choices (the server checks them anyway).
(function () {
  "use strict";
  var form = document.querySelector(".task-form form");
  if (!form) { return; }

  function chosen(name, button) {
    if (name === "decision" && button) { return [button.value]; }
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function refresh(button) {
    form.querySelectorAll("[data-required-when]").forEach(function (box) {
      var rule = JSON.parse(box.getAttribute("data-required-when"));
      var needed = Object.keys(rule).some(function (name) {
        return chosen(name, button).some(function (v) { return rule[name].indexOf(v) >= 0; });
      });
      box.classList.toggle("needed", needed);
    });
  }

  form.addEventListener("change", function () { refresh(null); });
  refresh(null);
})();
