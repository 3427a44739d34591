/* The diagram editor page: bpmn-js Modeler in Chinese, the properties panel, save as a
 * draft, check on the server (problems marked on the diagram, a click selects the
 * element), deploy with a change note, and the forms of the draft with a live preview.
 */
(function () {
  "use strict";

  var root = document.getElementById("editor");
  if (!root || !window.BpmnJS) { return; }
  var data = root.dataset;
  var csrf = document.querySelector("meta[name=csrf-token]").content;
  var TYPES = {
    "bpmn:UserTask": "用户任务", "bpmn:ServiceTask": "服务任务", "bpmn:ScriptTask": "脚本任务",
    "bpmn:ManualTask": "人工任务", "bpmn:Task": "任务", "bpmn:CallActivity": "调用活动",
    "bpmn:SubProcess": "子流程", "bpmn:StartEvent": "开始事件", "bpmn:EndEvent": "结束事件",
    "bpmn:BoundaryEvent": "边界事件", "bpmn:IntermediateCatchEvent": "中间捕获事件",
    "bpmn:IntermediateThrowEvent": "中间抛出事件", "bpmn:ExclusiveGateway": "排他网关",
    "bpmn:ParallelGateway": "并行网关", "bpmn:InclusiveGateway": "包容网关",
    "bpmn:EventBasedGateway": "事件网关", "bpmn:SequenceFlow": "顺序流",
    "bpmn:Participant": "池（参与者）", "bpmn:Lane": "泳道", "bpmn:Process": "流程",
    "bpmn:Collaboration": "协作", "bpmn:TextAnnotation": "文本注释", "bpmn:Association": "关联"
  };
  var state = { draftId: null, baseId: null, fileName: null, processId: null,
                forms: {}, known: {}, dirty: false, currentForm: null, marked: [] };

  var modeler = new window.BpmnJS({
    container: "#canvas",
    additionalModules: [window.ZJBpmn.translateModule],
    moddleExtensions: { spiffworkflow: window.ZJBpmn.moddle }
  });
  window.zjModeler = modeler;  // for browser tests and for the curious

  function $(id) { return document.getElementById(id); }
  function status(message, kind) {
    var node = $("ed-status");
    node.textContent = message;
    node.className = "ed-status " + (kind || "");
  }
  function formNames() {
    return Object.keys(Object.assign({}, state.known, state.forms)).sort();
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, message: "服务器返回错误（" + r.status + "）" }; });
    });
  }
  function xml() {
    return modeler.saveXML({ format: true }).then(function (r) { return r.xml; });
  }
  function payload(extra) {
    return xml().then(function (text) {
      return Object.assign({ xml: text, forms: state.forms, draft_id: state.draftId,
                             base_deployment_id: state.baseId, file_name: state.fileName }, extra || {});
    });
  }

  var panel = window.ZJPanel.create(modeler, $("props-body"), {
    roles: JSON.parse(data.roles), stages: JSON.parse(data.stages),
    operators: JSON.parse(data.operators), processes: JSON.parse(data.processes),
    formNames: formNames, typeLabel: function (t) { return TYPES[t] || t.replace("bpmn:", ""); }
  });

  /* problems */
  function clearMarks() {
    var canvas = modeler.get("canvas");
    state.marked.forEach(function (id) { canvas.removeMarker(id, "zj-problem"); });
    modeler.get("overlays").remove({ type: "zj-problem" });
    state.marked = [];
  }
  function select(id) {
    var element = modeler.get("elementRegistry").get(id);
    if (!element) { return; }
    modeler.get("selection").select(element);
    modeler.get("canvas").scrollToElement(element);
  }
  function showProblems(problems, summary) {
    clearMarks();
    var list = $("problem-list");
    list.textContent = "";
    $("problems").hidden = false;
    $("problems").className = "ed-problems " + (problems.length ? "bad" : "good");
    $("problems-summary").textContent = summary;
    var registry = modeler.get("elementRegistry");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      var known = p.element_id && registry.get(p.element_id);
      var head = document.createElement(known ? "a" : "span");
      head.textContent = p.element_id ? p.element_id : p.file;
      if (known) {
        head.href = "#" + p.element_id;
        head.addEventListener("click", function (e) { e.preventDefault(); select(p.element_id); });
        if (state.marked.indexOf(p.element_id) < 0) {
          modeler.get("canvas").addMarker(p.element_id, "zj-problem");
          var badge = document.createElement("div");
          badge.className = "zj-problem-badge";
          badge.textContent = "!";
          badge.title = p.message_cn;
          modeler.get("overlays").add(p.element_id, "zj-problem", { position: { top: -8, right: 8 }, html: badge });
          state.marked.push(p.element_id);
        }
      }
      item.appendChild(head);
      item.appendChild(document.createTextNode("：" + p.message_cn));
      if (p.message_cn !== p.message) { item.title = p.message; }
      list.appendChild(item);
    });
  }
  function changesText(changes) {
    return changes.map(function (c) {
      return c.name + "（" + (c.from_version ? "第 " + c.from_version + " 版 → 第 " + (c.from_version + 1) + " 版" : "新流程，第 1 版") + "）";
    }).join("、");
  }
  function runCheck() {
    status("正在检查…");
    return payload().then(function (body) { return post(data.checkUrl, body); }).then(function (result) {
      if (result.problems === undefined) { status(result.message || "检查失败", "bad"); return result; }
      var summary = result.ok ? (result.changes.length ?
        "检查通过。部署后将产生新版本：" + changesText(result.changes) + "。" :
        "检查通过。与当前版本相同，部署不会产生新版本。") :
        "发现 " + result.problems.length + " 个问题，修正后方可部署（点击问题可定位到图中元素）。";
      showProblems(result.problems, summary);
      status(result.ok ? "检查通过" : "检查未通过", result.ok ? "good" : "bad");
      return result;
    });
  }

  /* save and deploy */
  function afterSave(draftId) {
    state.draftId = draftId;
    state.dirty = false;
    var url = new URL(window.location.href);
    url.search = "?draft=" + draftId;
    window.history.replaceState(null, "", url.toString());
  }
  function save() {
    status("正在保存…");
    return payload().then(function (body) { return post(data.saveUrl, body); }).then(function (r) {
      if (!r.ok) { status(r.message || "保存失败", "bad"); return r; }
      afterSave(r.draft_id);
      status("草稿已保存（#" + r.draft_id + "）", "good");
      return r;
    });
  }
  function openDeploy() {
    runCheck().then(function (result) {
      if (!result.ok) { return; }
      $("deploy-changes").textContent = result.changes.length ?
        "将产生新版本：" + changesText(result.changes) + "。新发起的案件使用新版本；办理中的案件保留原版本，如需迁移请在版本记录中办理。" :
        "内容与当前版本相同，部署不会产生新版本。";
      $("deploy-error").textContent = "";
      $("deploy-dialog").showModal();
      $("deploy-note").focus();
    });
  }
  function deploy() {
    var note = $("deploy-note").value.trim();
    if (!note) { $("deploy-error").textContent = "请填写变更说明。"; return; }
    $("deploy-confirm").disabled = true;
    payload({ note: note }).then(function (body) { return post(data.deployUrl, body); }).then(function (r) {
      $("deploy-confirm").disabled = false;
      if (!r.ok) {
        $("deploy-error").textContent = r.message || "部署失败";
        if (r.problems && r.problems.length) { $("deploy-dialog").close(); showProblems(r.problems, r.message); }
        return;
      }
      $("deploy-dialog").close();
      state.dirty = false;
      state.draftId = null;
      var mine = r.results.filter(function (x) { return x.process_id === state.processId; })[0];
      if (mine) { state.baseId = mine.deployment_id; }
      var created = r.results.filter(function (x) { return x.created; });
      var text = created.length ? "已部署：" + created.map(function (x) { return x.name + " 第 " + x.version + " 版"; }).join("、") + "。" : "内容未变化，未产生新版本。";
      showProblems([], text);
      var link = document.createElement("a");
      link.href = data.historyUrl.replace("__PID__", encodeURIComponent(state.processId));
      link.textContent = "查看版本记录";
      $("problems-summary").appendChild(document.createTextNode(" "));
      $("problems-summary").appendChild(link);
      status("部署成功", "good");
      var url = new URL(window.location.href);
      url.search = "?version=" + state.baseId;
      window.history.replaceState(null, "", url.toString());
    });
  }

  /* forms */
  var previewTimer = null;
  function formList() {
    var list = $("form-list");
    list.textContent = "";
    Object.keys(state.forms).sort().forEach(function (name) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#forms";
      link.textContent = name + (state.forms[name].title ? "（" + state.forms[name].title + "）" : "");
      if (name === state.currentForm) { link.className = "current"; }
      link.addEventListener("click", function (e) { e.preventDefault(); openForm(name); });
      item.appendChild(link);
      list.appendChild(item);
    });
  }
  function openForm(name) {
    state.currentForm = name;
    $("form-name").textContent = "：" + name;
    $("form-json").disabled = false;
    $("form-json").value = JSON.stringify(state.forms[name], null, 2);
    formList();
    preview();
  }
  function preview() {
    var name = state.currentForm;
    post(data.previewUrl, { schema: state.forms[name] }).then(function (r) {
      $("form-errors").textContent = (r.errors || []).join("；");
      if (r.ok) { $("form-preview").innerHTML = r.html; }  // server-rendered, escaped by Jinja
    });
  }
  $("form-json").addEventListener("input", function () {
    var parsed;
    try { parsed = JSON.parse($("form-json").value); } catch (err) {
      $("form-errors").textContent = "JSON 格式错误：" + err.message;
      return;
    }
    state.forms[state.currentForm] = parsed;
    state.dirty = true;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 300);
  });
  $("btn-new-form").addEventListener("click", function () {
    var name = $("new-form-name").value.trim();
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) { $("form-errors").textContent = "表单名称只能由小写字母、数字和下划线组成，并以字母开头。"; return; }
    if (state.forms[name] || state.known[name]) { $("form-errors").textContent = "已有同名表单：" + name; return; }
    state.forms[name] = { "$schema": "https://json-schema.org/draft/2020-12/schema", title: "新表单",
      type: "object", properties: { comment: { type: "string", title: "意见", maxLength: 500 } },
      required: [], additionalProperties: false };
    state.dirty = true;
    $("new-form-name").value = "";
    openForm(name);
  });
  function ensureForm(name) {
    if (name && !state.forms[name] && state.known[name]) { state.forms[name] = state.known[name]; }
  }

  /* tabs */
  function showTab(which) {
    $("tab-diagram").hidden = which !== "diagram";
    $("tab-forms").hidden = which !== "forms";
    $("tab-link-diagram").className = which === "diagram" ? "current" : "";
    $("tab-link-forms").className = which === "forms" ? "current" : "";
    if (which === "forms") { formList(); }
  }
  $("tab-link-diagram").addEventListener("click", function (e) { e.preventDefault(); showTab("diagram"); });
  $("tab-link-forms").addEventListener("click", function (e) { e.preventDefault(); showTab("forms"); });

  $("btn-save").addEventListener("click", save);
  $("btn-check").addEventListener("click", runCheck);
  $("btn-deploy").addEventListener("click", openDeploy);
  $("deploy-confirm").addEventListener("click", deploy);
  $("deploy-cancel").addEventListener("click", function () { $("deploy-dialog").close(); });
  modeler.on("commandStack.changed", function () {
    state.dirty = true;
    modeler.get("elementRegistry").filter(function (e) { return e.type === "bpmn:UserTask"; })
      .forEach(function (e) {
        var props = ((e.businessObject.extensionElements || {}).values || [])
          .filter(function (v) { return v.$type === "spiffworkflow:Properties"; })[0];
        ((props && props.properties) || []).forEach(function (p) { if (p.name === "form") { ensureForm(p.value); } });
      });
  });
  window.addEventListener("beforeunload", function (e) {
    if (state.dirty) { e.preventDefault(); e.returnValue = ""; }
  });

  fetch(data.sourceUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (src) {
    state.draftId = src.draft_id; state.baseId = src.base_deployment_id;
    state.fileName = src.file_name; state.processId = src.process_id;
    state.forms = src.forms || {}; state.known = src.known_forms || {};
    return modeler.importXML(src.xml);
  }).then(function (result) {
    modeler.get("canvas").zoom("fit-viewport");
    ["btn-save", "btn-check", "btn-deploy"].forEach(function (id) { $(id).disabled = false; });
    state.dirty = false;
    status(result.warnings && result.warnings.length ? "已打开（" + result.warnings.length + " 条导入提示）" : "已打开");
    root.setAttribute("data-ready", "true");
  }).catch(function (err) {
    status("无法打开流程图：" + err.message, "bad");
  });
  panel.render(null);
})();
