// 发起转接: show the part of the form for the chosen kind; suggest organisations as one types.
// The pages work without it: every part is shown and a name or code can be typed in full.
(function () {
  "use strict";
  var form = document.querySelector("form.start-form");
  if (!form) { return; }

  function showKind() {
    var checked = form.querySelector("input[name='kind']:checked");
    form.querySelectorAll(".kind-part").forEach(function (part) {
      part.classList.toggle("hidden", !checked || part.getAttribute("data-kind") !== checked.value);
    });
  }
  if (form.querySelector("input[name='kind']")) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") { showKind(); }
    });
    showKind();
  }

  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var kind = input.getAttribute("data-suggest");
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (timer) { clearTimeout(timer); }
      if (text.length < 1 || text === asked || text.indexOf(" ") > 0) { return; }
      timer = setTimeout(function () {
        asked = text;
        fetch("/start/orgs.json?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(text),
              { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (org) {
              var option = document.createElement("option");
              option.value = org.code + " " + org.name;
              option.textContent = org.parent ? "上级：" + org.parent : "";
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are only a help */ });
      }, 200);
    });
  }
  form.querySelectorAll("input[data-suggest]").forEach(suggest);
})();
