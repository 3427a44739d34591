/* The properties panel of the diagram editor: name, documentation and the properties the
 * zhuanjie engine reads (user task: assignee, role, form, deadline, title, stage; service
 * task: operator and parameters; script; condition; timer; called process).
 * Every change goes through bpmn-js `modeling`, so it can be undone (Ctrl+Z).
 * The DOM is built with textContent/value only: no markup from the diagram is parsed.
 */
(function () {
  "use strict";

  var TIMER_KINDS = { timeDate: "到期时间（表达式）", timeDuration: "时长（ISO 8601）",
                      timeCycle: "周期（ISO 8601）" };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "className") { node.className = attrs[key]; }
      else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function create(modeler, body, options) {
    var modeling = modeler.get("modeling");
    var moddle = modeler.get("moddle");
    var current = null;
    var counter = 0;

    function values(bo) {
      return (bo.extensionElements && bo.extensionElements.values) || [];
    }
    function extension(bo, type) {
      return values(bo).filter(function (v) { return v.$type === type; })[0];
    }
    function setExtension(element, type, value) {
      var list = values(element.businessObject).slice();
      var index = list.findIndex(function (v) { return v.$type === type; });
      if (value && index >= 0) { list[index] = value; }
      else if (value) { list.push(value); }
      else if (index >= 0) { list.splice(index, 1); }
      var ext = list.length ? moddle.create("bpmn:ExtensionElements", { values: list }) : undefined;
      modeling.updateProperties(element, { extensionElements: ext });
    }
    function zjProps(bo) {
      var props = extension(bo, "spiffworkflow:Properties");
      var out = {};
      ((props && props.properties) || []).forEach(function (p) { out[p.name] = p.value || ""; });
      return out;
    }
    function setZj(element, key, value) {
      var props = extension(element.businessObject, "spiffworkflow:Properties");
      var list = ((props && props.properties) || []).slice();
      var index = list.findIndex(function (p) { return p.name === key; });
      if (value === "" || value === null) {
        if (index >= 0) { list.splice(index, 1); }
      } else {
        var prop = moddle.create("spiffworkflow:Property", { name: key, value: String(value) });
        if (index >= 0) { list[index] = prop; } else { list.push(prop); }
      }
      setExtension(element, "spiffworkflow:Properties", list.length ?
        moddle.create("spiffworkflow:Properties", { properties: list }) : null);
    }

    function field(label, input, hint, id) {
      input.id = id || ("zj-f" + (++counter));
      return el("div", { className: "field" }, [
        el("label", { "for": input.id, text: label }), input,
        hint ? el("div", { className: "hint", text: hint }) : null]);
    }
    function text(value, onChange, mono) {
      var input = el("input", { type: "text", className: mono ? "mono" : "" });
      input.value = value || "";
      input.addEventListener("change", function () { onChange(input.value.trim()); });
      return input;
    }
    function area(value, onChange, mono) {
      var input = el("textarea", { className: mono ? "mono" : "", spellcheck: "false" });
      input.value = value || "";
      input.addEventListener("change", function () { onChange(input.value); });
      return input;
    }
    function select(value, choices, onChange, empty) {
      var input = el("select");
      if (empty !== undefined) { input.appendChild(el("option", { value: "", text: empty })); }
      Object.keys(choices).forEach(function (key) {
        input.appendChild(el("option", { value: key, text: choices[key] }));
      });
      if (value && !Object.prototype.hasOwnProperty.call(choices, value)) {
        input.appendChild(el("option", { value: value, text: value + "（未知）" }));
      }
      input.value = value || "";
      input.addEventListener("change", function () { onChange(input.value); });
      return input;
    }

    function documentation(element) {
      var docs = element.businessObject.documentation || [];
      return field("说明", area(docs.length ? docs[0].text : "", function (value) {
        modeling.updateProperties(element, { documentation: value.trim() ?
          [moddle.create("bpmn:Documentation", { text: value.trim() })] : [] });
      }));
    }

    function userTask(element) {
      var props = zjProps(element.businessObject);
      var set = function (key) { return function (value) { setZj(element, key, value); }; };
      var forms = {};
      options.formNames().forEach(function (name) { forms[name] = name; });
      var days = el("input", { type: "number", min: "1", max: "90", step: "1" });
      days.value = props.deadline_working_days || "";
      days.addEventListener("change", function () { setZj(element, "deadline_working_days", days.value); });
      return [
        el("h3", { text: "转接办理属性" }),
        field("办理单位表达式（assignee）", text(props.assignee, set("assignee"), true),
              "返回党组织编码的表达式，例如 route['approvers'][level]", "zj-assignee"),
        field("办理角色", select(props.role || "operator", options.roles, set("role")), null, "zj-role"),
        field("表单", select(props.form, forms, set("form"), "（无表单）"), null, "zj-form"),
        field("办理时限（工作日）", days, "1 至 90；到期由边界定时器提醒", "zj-deadline"),
        field("待办标题表达式", text(props.title, set("title"), true),
              "例如 '审批：' + member['name']", "zj-title"),
        field("所处阶段", select(props.stage, options.stages, set("stage"), "（不改变阶段）"), null, "zj-stage")
      ];
    }

    function operator(bo) {
      var op = extension(bo, "spiffworkflow:ServiceTaskOperator");
      var params = ((op && op.parameterList && op.parameterList.parameters) || []).map(
        function (p) { return { id: p.id || "", value: p.value || "" }; });
      return { id: (op && op.id) || "", result: (op && op.resultVariable) || "", params: params };
    }
    function setOperator(element, op) {
      if (!op.id) { setExtension(element, "spiffworkflow:ServiceTaskOperator", null); return; }
      var node = moddle.create("spiffworkflow:ServiceTaskOperator", { id: op.id });
      if (op.result) { node.resultVariable = op.result; }
      var params = op.params.filter(function (p) { return p.id; });
      if (params.length) {
        node.parameterList = moddle.create("spiffworkflow:Parameters", { parameters: params.map(
          function (p) { return moddle.create("spiffworkflow:Parameter",
                                              { id: p.id, type: "any", value: p.value }); }) });
      }
      setExtension(element, "spiffworkflow:ServiceTaskOperator", node);
    }
    function serviceTask(element) {
      var op = operator(element.businessObject);
      var choices = {};
      options.operators.forEach(function (name) { choices[name] = name; });
      var out = [el("h3", { text: "服务操作" }),
        field("服务操作（operator）", select(op.id, choices, function (v) {
          op.id = v; setOperator(element, op); }, "（未设置）"), null, "zj-operator"),
        field("结果变量", text(op.result, function (v) { op.result = v; setOperator(element, op); }, true))];
      var table = el("div", { className: "params" });
      op.params.concat([{ id: "", value: "" }]).forEach(function (p, i) {
        var id = text(p.id, function (v) { op.params[i] = { id: v, value: (op.params[i] || {}).value || "" }; setOperator(element, op); }, true);
        var value = text(p.value, function (v) { op.params[i] = { id: (op.params[i] || {}).id || "", value: v }; setOperator(element, op); }, true);
        id.placeholder = "参数名"; value.placeholder = "表达式，如 'approve'";
        id.setAttribute("aria-label", "参数名"); value.setAttribute("aria-label", "参数表达式");
        table.appendChild(el("div", { className: "param" }, [id, value]));
      });
      out.push(el("label", { text: "参数（名称 = 表达式；空行用于新增）" }), table);
      return out;
    }

    function timer(element, def) {
      var kind = ["timeDate", "timeDuration", "timeCycle"].filter(function (k) { return def[k]; })[0] || "timeDate";
      var expr = def[kind] ? def[kind].body : "";
      var state = { kind: kind, expr: expr };
      function apply() {
        var props = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
        if (state.expr) { props[state.kind] = moddle.create("bpmn:FormalExpression", { body: state.expr }); }
        modeling.updateModdleProperties(element, def, props);
      }
      var out = [el("h3", { text: "定时器" }),
        field("定时方式", select(kind, TIMER_KINDS, function (v) { state.kind = v; apply(); }), null, "zj-timer-kind"),
        field("表达式", text(expr, function (v) { state.expr = v; apply(); }, true),
              "例如 deadline(working_days=3)（3 个工作日后）或 \"P3M\"", "zj-timer")];
      if (element.type === "bpmn:BoundaryEvent") {
        var box = el("input", { type: "checkbox" });
        box.checked = element.businessObject.cancelActivity !== false;
        box.addEventListener("change", function () {
          modeling.updateProperties(element, { cancelActivity: box.checked }); });
        out.push(el("label", { className: "check" }, [box, document.createTextNode(" 中断所附环节（不勾选为提醒类定时器）")]));
      }
      return out;
    }

    function specific(element) {
      var bo = element.businessObject;
      var type = element.type;
      if (type === "bpmn:UserTask") { return userTask(element); }
      if (type === "bpmn:ServiceTask") { return serviceTask(element); }
      if (type === "bpmn:ScriptTask") {
        return [field("脚本（Python 语法）", area(bo.script, function (v) {
          modeling.updateProperties(element, { script: v }); }, true), null, "zj-script")];
      }
      if (type === "bpmn:SequenceFlow") {
        var cond = bo.conditionExpression ? bo.conditionExpression.body : "";
        return [field("条件表达式", area(cond, function (v) {
          modeling.updateProperties(element, { conditionExpression: v.trim() ?
            moddle.create("bpmn:FormalExpression", { body: v.trim() }) : undefined });
        }, true), "为空时无条件；例如 decision == 'send_back'", "zj-condition")];
      }
      if (type === "bpmn:CallActivity") {
        return [field("调用流程", select(bo.calledElement, options.processes, function (v) {
          modeling.updateProperties(element, { calledElement: v }); }, "（未设置）"), null, "zj-called")];
      }
      var defs = (bo.eventDefinitions || []).filter(function (d) { return d.$type === "bpmn:TimerEventDefinition"; });
      return defs.length ? timer(element, defs[0]) : [];
    }

    function render(element) {
      current = element;
      body.textContent = "";
      if (!element || element.type === "label") {
        body.appendChild(el("p", { className: "muted", text: "请在图中选择一个元素。" }));
        return;
      }
      var bo = element.businessObject;
      var kind = options.typeLabel(element.type);
      body.appendChild(el("p", { className: "ed-kind" }, [
        el("strong", { text: kind }), document.createTextNode(" "),
        el("code", { text: bo.id })]));
      if (element.type !== "bpmn:Process" && element.type !== "bpmn:Collaboration") {
        body.appendChild(field("名称", text(bo.name, function (v) {
          modeling.updateLabel(element, v); }), null, "zj-name"));
      }
      specific(element).forEach(function (node) { body.appendChild(node); });
      body.appendChild(documentation(element));
    }

    modeler.on("selection.changed", function (e) {
      render(e.newSelection.length === 1 ? e.newSelection[0] : null);
    });
    modeler.on("element.changed", function (e) {
      if (current && e.element === current && !body.contains(document.activeElement)) {
        render(current);
      }
    });
    return { render: render, refresh: function () { render(current); } };
  }

  window.ZJPanel = { create: create };
})();
