// The designers' pages: diagrams of a version (with the compared elements marked) and
// the editor (bpmn-js Modeler, opiflow's task properties, forms with a live preview,
// saving with every problem marked on its element).
(function () {
  "use strict";

  // spiffworkflow:properties and the other extension elements opiflow reads, so the
  // modeler keeps them and the properties panel can edit them.
  var SPIFF = {
    name: "SpiffWorkflow", prefix: "spiffworkflow",
    uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
    xml: { tagAlias: "lowerCase" }, associations: [],
    types: [
      { name: "Properties", superClass: ["Element"],
        properties: [{ name: "properties", type: "Property", isMany: true }] },
      { name: "Property", superClass: ["Element"],
        properties: [{ name: "name", isAttr: true, type: "String" },
                     { name: "value", isAttr: true, type: "String" }] },
      { name: "InstructionsForEndUser", superClass: ["Element"],
        properties: [{ name: "text", isBody: true, type: "String" }] },
      { name: "CalledDecisionId", superClass: ["Element"],
        properties: [{ name: "text", isBody: true, type: "String" }] },
      { name: "PreScript", superClass: ["Element"],
        properties: [{ name: "text", isBody: true, type: "String" }] },
      { name: "PostScript", superClass: ["Element"],
        properties: [{ name: "text", isBody: true, type: "String" }] }
    ]
  };

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    });
  }

  // ------------------------------------------------------------------ viewers
  var marks = document.getElementById("compare-marks");
  marks = marks ? JSON.parse(marks.textContent) : null;
  Array.prototype.forEach.call(document.querySelectorAll("[data-diagram]"), function (el) {
    if (!window.BpmnJS) { return; }
    var viewer = new window.BpmnJS({ container: el });
    fetchText(el.dataset.xml).then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
        canvas.zoom("fit-viewport");
        if (marks) {
          var kinds = el.dataset.marks === "old" ? ["removed", "changed"] : ["added", "changed"];
          kinds.forEach(function (kind) {
            marks[kind].forEach(function (id) {
              if (registry.get(id)) { canvas.addMarker(id, "diff-" + kind); }
            });
          });
        }
        el.dataset.ready = "true";
      })
      .catch(function (err) {
        el.textContent = el.dataset.error + " (" + err.message + ")";
        el.dataset.ready = "error";
      });
  });

  // ------------------------------------------------------------------- editor
  var container = document.getElementById("modeler");
  if (!container || !window.BpmnJS) { return; }
  var config = document.getElementById("editor-config").dataset;
  var files = JSON.parse(document.getElementById("model-files").textContent);
  var problems = JSON.parse(document.getElementById("model-problems").textContent);
  var modeler = new window.BpmnJS({ container: container, moddleExtensions: { spiffworkflow: SPIFF } });
  container.modeler = modeler;  // for the browser tests
  var chooser = document.getElementById("bpmn-file");
  var current = chooser ? chooser.value : Object.keys(files).filter(function (n) {
    return /\.bpmn$/.test(n);
  }).sort()[0];

  function open(name) {
    return modeler.importXML(files[name]).then(function () {
      current = name;
      modeler.get("canvas").zoom("fit-viewport");
      markProblems();
      container.dataset.ready = "true";
    }).catch(function (err) {
      container.textContent = container.dataset.error + " (" + err.message + ")";
      container.dataset.ready = "error";
    });
  }

  function keep() {  // the diagram and the tables on screen back into the files
    return modeler.saveXML({ format: true }).then(function (result) {
      files[current] = result.xml;
      return typeof keepTables === "function" ? keepTables() : null;
    });
  }

  if (chooser) {
    chooser.addEventListener("change", function () {
      keep().then(function () { open(chooser.value); });
    });
  }

  function markProblems() {
    var registry = modeler.get("elementRegistry"), canvas = modeler.get("canvas");
    var overlays = modeler.get("overlays");
    overlays.remove({ type: "problem" });
    registry.forEach(function (el) { canvas.removeMarker(el.id, "has-problem"); });
    problems.forEach(function (p) {
      if (p.file !== current || !p.element || !registry.get(p.element)) { return; }
      canvas.addMarker(p.element, "has-problem");
      var note = document.createElement("div");
      note.className = "problem-note";
      note.setAttribute("role", "note");
      note.textContent = p.message + " — " + p.fix;
      overlays.add(p.element, "problem", { position: { bottom: -6, left: 0 }, html: note });
    });
  }

  // ------------------------------------------------------- properties panel
  var form = document.getElementById("props-form");
  var none = document.getElementById("props-none");
  var selected = null;

  function propertiesOf(bo, create) {
    var moddle = modeler.get("moddle");
    var ext = bo.extensionElements;
    if (!ext && create) {
      ext = moddle.create("bpmn:ExtensionElements", { values: [] });
      bo.extensionElements = ext;
      ext.$parent = bo;
    }
    if (!ext) { return null; }
    var props = (ext.values || []).filter(function (v) {
      return v.$type === "spiffworkflow:Properties";
    })[0];
    if (!props && create) {
      props = moddle.create("spiffworkflow:Properties", { properties: [] });
      props.$parent = ext;
      ext.values = (ext.values || []).concat([props]);
    }
    return props;
  }

  function laneOf(element) {
    var lanes = modeler.get("elementRegistry").filter(function (e) { return e.type === "bpmn:Lane"; });
    var bo = element.businessObject;
    for (var i = 0; i < lanes.length; i++) {
      if ((lanes[i].businessObject.flowNodeRef || []).indexOf(bo) >= 0) {
        return lanes[i].businessObject.name || lanes[i].id;
      }
    }
    return "–";
  }

  function show(element) {
    selected = element && element.type === "bpmn:UserTask" ? element : null;
    form.hidden = !selected;
    none.hidden = !!selected;
    if (!selected) { return; }
    var bo = selected.businessObject;
    document.getElementById("props-element").textContent = (bo.name || "") + " (" + bo.id + ")";
    document.getElementById("props-lane").textContent = laneOf(selected);
    var props = propertiesOf(bo, false);
    Array.prototype.forEach.call(form.querySelectorAll("[data-property]"), function (input) {
      var found = props && (props.properties || []).filter(function (p) {
        return p.name === input.dataset.property;
      })[0];
      input.value = found ? found.value || "" : "";
    });
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!selected || !input.dataset.property) { return; }
    var props = propertiesOf(selected.businessObject, true);
    var list = props.properties || (props.properties = []);
    var found = list.filter(function (p) { return p.name === input.dataset.property; })[0];
    if (input.value === "") {
      if (found) { list.splice(list.indexOf(found), 1); }
    } else if (found) {
      found.value = input.value;
    } else {
      var created = modeler.get("moddle").create("spiffworkflow:Property",
        { name: input.dataset.property, value: input.value });
      created.$parent = props;
      list.push(created);
    }
    modeler.get("eventBus").fire("elements.changed", { elements: [selected] });
  });
  modeler.on("selection.changed", function (e) { show(e.newSelection[0]); });

  // ------------------------------------------------------------ form editor
  var formFile = document.getElementById("form-file");
  var formText = document.getElementById("form-text");
  var preview = document.getElementById("form-preview");
  var timer = null;
  function loadForm() {
    formText.value = formFile.value ? files[formFile.value] || "" : "";
    renderPreview();
  }
  function renderPreview() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(preview.dataset.url, {
        method: "POST", credentials: "same-origin", body: formText.value,
        headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf }
      }).then(function (r) { return r.text(); }).then(function (html) {
        preview.innerHTML = html;  // rendered by the server from the schema, escaped there
      });
    }, 250);
  }
  if (formFile) {
    formFile.addEventListener("change", loadForm);
    formText.addEventListener("input", function () {
      if (formFile.value) { files[formFile.value] = formText.value; }
      renderPreview();
    });
    document.getElementById("form-add").addEventListener("click", function () {
      var name = document.getElementById("form-new").value.trim();
      if (!/\.json$/.test(name) || files[name]) { return; }
      files[name] = '{\n  "$schema": "https://json-schema.org/draft/2020-12/schema",\n' +
        '  "type": "object",\n  "properties": {}\n}\n';
      var option = document.createElement("option");
      option.value = option.textContent = name;
      formFile.appendChild(option);
      formFile.value = name;
      loadForm();
    });
    loadForm();
  }

  // decision tables in dmn-js; what the designer changes goes back into the files
  var tables = [];
  Array.prototype.forEach.call(document.querySelectorAll("[data-dmn]"), function (el) {
    if (!window.DmnJS) { return; }
    var editor = new window.DmnJS({ container: el });
    el.dmn = editor;  // for the browser tests
    tables.push({ name: el.dataset.dmn, editor: editor });
    editor.importXML(files[el.dataset.dmn]).then(function () {
      var table = editor.getViews().filter(function (v) { return v.type === "decisionTable"; })[0];
      return table ? editor.open(table) : null;
    }).then(function () { el.dataset.ready = "true"; })
      .catch(function (err) { el.textContent = err.message; el.dataset.ready = "error"; });
  });
  function keepTables() {
    return Promise.all(tables.map(function (t) {
      return t.editor.saveXML({ format: true }).then(function (r) { files[t.name] = r.xml; });
    }));
  }

  // ------------------------------------------------------------------ saving
  var status = document.getElementById("save-status");
  var list = document.getElementById("problems");
  document.getElementById("save").addEventListener("click", function () {
    status.textContent = config.saving;
    keep().then(function () {
      return fetch(config.save, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
        body: JSON.stringify({ files: files })
      });
    }).then(function (r) { return r.json().then(function (body) { return [r, body]; }); })
      .then(function (pair) {
        var r = pair[0], body = pair[1];
        if (!r.ok) { throw new Error(body.error || ("HTTP " + r.status)); }
        problems = body.problems || [];
        list.innerHTML = "";
        if (problems.length) {
          status.textContent = config.draft.replace("{n}", problems.length);
          var ul = document.createElement("ul");
          ul.className = "errors";
          problems.forEach(function (p) {
            var li = document.createElement("li");
            li.dataset.element = p.element || "";
            li.textContent = p.file + (p.element ? " [" + p.element + "]" : "") + ": " +
              p.message + " — " + p.fix;
            ul.appendChild(li);
          });
          list.appendChild(ul);
          markProblems();
        } else {
          markProblems();
          status.textContent = body.unchanged ? config.unchanged : config.saved;
          if (body.url && !body.unchanged) { window.location.assign(body.url); }
        }
      })
      .catch(function (err) { status.textContent = config.failed + ": " + err.message; });
  });

  open(current);
})();
