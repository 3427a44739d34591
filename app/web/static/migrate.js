/* Migration page: select all, confirm, and move the chosen cases in batches of 20 with a
 * progress bar (without scripts the form posts every chosen case at once). */
(function () {
  "use strict";
  var form = document.getElementById("migrate-form");
  if (!form) { return; }
  var all = document.getElementById("check-all");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=instance]:not([disabled])"));
  if (all) {
    all.addEventListener("change", function () { boxes.forEach(function (b) { b.checked = all.checked; }); });
  }
  var BATCH = 20;
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var chosen = boxes.filter(function (b) { return b.checked; }).map(function (b) { return parseInt(b.value, 10); });
    var reason = document.getElementById("reason").value.trim();
    var text = document.getElementById("progress-text");
    if (!chosen.length) { text.textContent = "请选择要迁移的案件。"; return; }
    if (!reason) { text.textContent = "请填写迁移原因。"; return; }
    if (!window.confirm("确认将选中的 " + chosen.length + " 件案件迁移到目标版本？")) { return; }
    var csrf = document.querySelector("meta[name=csrf-token]").content;
    var bar = document.getElementById("progress");
    bar.hidden = false;
    document.getElementById("migrate-submit").disabled = true;
    var moved = 0, skipped = 0, done = 0;
    function next(i) {
      if (i >= chosen.length) {
        text.textContent = "已迁移 " + moved + " 件" + (skipped ? "，" + skipped + " 件未迁移" : "") + "。正在刷新…";
        var url = new URL(window.location.href);
        url.searchParams.set("moved", moved);
        url.searchParams.set("skipped", skipped);
        window.location.assign(url.toString());
        return;
      }
      var batch = chosen.slice(i, i + BATCH);
      fetch(form.dataset.apiUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ from: parseInt(form.dataset.from, 10), to: parseInt(form.dataset.to, 10),
                               instances: batch, reason: reason })
      }).then(function (r) { return r.json(); }).then(function (r) {
        if (!r.ok) { text.textContent = r.message || "迁移失败"; document.getElementById("migrate-submit").disabled = false; return; }
        moved += r.moved.length; skipped += Object.keys(r.skipped).length; done += batch.length;
        bar.firstElementChild.style.width = Math.round(100 * done / chosen.length) + "%";
        text.textContent = "正在迁移：" + done + " / " + chosen.length;
        next(i + BATCH);
      });
    }
    next(0);
  });
})();
