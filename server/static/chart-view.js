/* The query page's chart view: a YASR plugin ("Chart", beside Table and Response) drawing a
 * SELECT answer with Chart.js (pinned in package.json, installed by `kg assets` into
 * server/static/chartjs; nothing from a CDN).
 *
 * - numeric columns are found from the SPARQL JSON datatypes: a column is numeric when every
 *   value it binds is a literal of an XSD numeric type (xsd:integer, xsd:decimal, xsd:double…);
 * - the label column is any other column (by default the one with the most distinct values, so
 *   a constant ?project does not hide ?component); IRIs are shown by their last segment;
 * - bar, line or pie; bar and line draw every checked numeric column, a pie the first one;
 * - at most MAX_ROWS rows are drawn, and the note under the controls says so when cut.
 * Loaded after yasgui.min.js and before query-page.js, which makes the Yasgui instance.
 */
(function () {
  "use strict";

  if (!window.Yasgui || !window.Yasgui.Yasr || typeof window.Chart !== "function") {
    return;
  }
  var Chart = window.Chart;
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "float", "double", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"].map(function (name) {
    return XSD + name;
  });
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf"];
  var TYPES = [["bar", "Стълбове / Bar"], ["line", "Линия / Line"], ["pie", "Кръг / Pie"]];
  var MAX_ROWS = 200;

  function isNumeric(term) {
    return !!term && term.type !== "uri" && term.type !== "bnode" &&
      NUMERIC.indexOf(term.datatype) >= 0 && isFinite(Number(term.value));
  }

  /** The columns every bound value of which is an XSD number (and that bind at least one). */
  function numericColumns(variables, bindings) {
    return variables.filter(function (name) {
      var bound = bindings.filter(function (row) { return row[name]; });
      return bound.length > 0 && bound.every(function (row) { return isNumeric(row[name]); });
    });
  }

  function shortText(term) {
    if (!term) {
      return "";
    }
    if (term.type === "uri") {
      var tail = term.value.replace(/[\/#]+$/, "");
      return decodeURIComponent(tail.substring(Math.max(tail.lastIndexOf("/"), tail.lastIndexOf("#")) + 1)) || term.value;
    }
    return term.value;
  }

  /** The default label column: of the others, the one with the most distinct values. */
  function defaultLabel(variables, numeric, bindings) {
    var others = variables.filter(function (name) { return numeric.indexOf(name) < 0; });
    var best = null;
    var most = -1;
    others.forEach(function (name) {
      var seen = {};
      bindings.forEach(function (row) { seen[row[name] ? row[name].value : ""] = true; });
      var count = Object.keys(seen).length;
      if (count > most) {
        best = name;
        most = count;
      }
    });
    return best || variables[0];
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.label = "Chart";
    this.priority = 1; // never chosen over the table by itself
    this.chart = null;
    this.root = null;
    this.settings = { type: "bar", label: null, values: null, columns: null };
  }

  ChartPlugin.prototype.rows = function () {
    var results = this.yasr.results;
    if (!results || (results.hasError && results.hasError())) {
      return null;
    }
    var variables = results.getVariables ? results.getVariables() : [];
    var bindings = results.getBindings ? results.getBindings() : [];
    if (!variables || !variables.length || !bindings || !bindings.length) {
      return null;
    }
    return { variables: variables, bindings: bindings, numeric: numericColumns(variables, bindings) };
  };

  ChartPlugin.prototype.canHandleResults = function () {
    var rows = this.rows();
    return !!rows && rows.numeric.length > 0;
  };

  ChartPlugin.prototype.getIcon = function () {
    var icon = element("span", { "class": "kg-chart-icon", "aria-hidden": "true" });
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "15");
    svg.setAttribute("height", "15");
    [[1, 9, 3, 6], [6, 4, 3, 11], [11, 7, 3, 8]].forEach(function (bar) {
      var rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      rect.setAttribute("x", bar[0]);
      rect.setAttribute("y", bar[1]);
      rect.setAttribute("width", bar[2]);
      rect.setAttribute("height", bar[3]);
      rect.setAttribute("fill", "currentColor");
      svg.appendChild(rect);
    });
    icon.appendChild(svg);
    return icon;
  };

  /** Keep the settings that still fit these columns; reset the others. */
  ChartPlugin.prototype.settle = function (rows) {
    var settings = this.settings;
    var key = rows.variables.join(" ");
    if (settings.columns !== key) {
      settings.columns = key;
      settings.label = defaultLabel(rows.variables, rows.numeric, rows.bindings);
      settings.values = rows.numeric.filter(function (name) { return name !== settings.label; }).slice(0, 1);
    }
    if (!settings.values.length) {
      settings.values = rows.numeric.filter(function (name) { return name !== settings.label; }).slice(0, 1);
    }
  };

  ChartPlugin.prototype.draw = function () {
    var plugin = this;
    var rows = this.rows();
    this.destroy();
    if (this.root && this.root.parentNode) {
      this.root.parentNode.removeChild(this.root); // a redraw after a change of the controls
    }
    if (!rows) {
      return;
    }
    this.settle(rows);
    var settings = this.settings;
    var root = element("div", { "class": "kg-chart" });
    this.root = root;
    var controls = element("form", { "class": "kg-chart-controls" });
    controls.addEventListener("submit", function (event) { event.preventDefault(); });

    var typeLabel = element("label", {}, "Вид / Type ");
    var type = element("select", { "class": "kg-chart-type" });
    TYPES.forEach(function (choice) {
      var option = element("option", { value: choice[0] }, choice[1]);
      option.selected = choice[0] === settings.type;
      type.appendChild(option);
    });
    type.addEventListener("change", function () { settings.type = type.value; plugin.draw(); });
    typeLabel.appendChild(type);

    var labelLabel = element("label", {}, " Етикети / Labels ");
    var label = element("select", { "class": "kg-chart-label" });
    rows.variables.forEach(function (name) {
      var option = element("option", { value: name }, "?" + name);
      option.selected = name === settings.label;
      label.appendChild(option);
    });
    label.addEventListener("change", function () {
      settings.label = label.value;
      settings.values = settings.values.filter(function (name) { return name !== label.value; });
      plugin.draw();
    });
    labelLabel.appendChild(label);

    var values = element("fieldset", { "class": "kg-chart-values" });
    values.appendChild(element("legend", {}, "Стойности / Values"));
    rows.numeric.forEach(function (name) {
      if (name === settings.label) {
        return;
      }
      var item = element("label", {});
      var box = element("input", { type: "checkbox", value: name });
      box.checked = settings.values.indexOf(name) >= 0;
      box.addEventListener("change", function () {
        settings.values = rows.numeric.filter(function (column) {
          return column === name ? box.checked : settings.values.indexOf(column) >= 0;
        });
        plugin.draw();
      });
      item.appendChild(box);
      item.appendChild(document.createTextNode(" ?" + name + " "));
      values.appendChild(item);
    });
    controls.appendChild(typeLabel);
    controls.appendChild(labelLabel);
    controls.appendChild(values);
    root.appendChild(controls);

    var drawn = rows.bindings.slice(0, MAX_ROWS);
    var shown = settings.type === "pie" ? settings.values.slice(0, 1) : settings.values.slice();
    var notes = [];
    if (rows.bindings.length > drawn.length) {
      notes.push("Показани са първите " + MAX_ROWS + " от " + rows.bindings.length + " реда. " +
        "The first " + MAX_ROWS + " of " + rows.bindings.length + " rows are drawn.");
    }
    if (settings.type === "pie" && settings.values.length > 1) {
      notes.push("Кръговата диаграма показва само ?" + shown[0] + ". A pie shows ?" + shown[0] + " only.");
    }
    if (!shown.length) {
      notes.push("Изберете числова колона. Choose a numeric column.");
    }
    var note = element("p", { "class": "kg-chart-note", role: "status" }, notes.join(" "));
    root.appendChild(note);

    var frame = element("div", { "class": "kg-chart-frame" });
    var canvas = element("canvas", {
      role: "img",
      "aria-label": (settings.type + " chart of " + shown.map(function (name) { return "?" + name; }).join(", ") +
        " by ?" + settings.label),
    });
    frame.appendChild(canvas);
    root.appendChild(frame);
    this.yasr.resultsEl.appendChild(root);
    if (!shown.length) {
      return;
    }

    var labels = drawn.map(function (row) { return shortText(row[settings.label]); });
    var pie = settings.type === "pie";
    var datasets = shown.map(function (name, index) {
      var colour = PALETTE[index % PALETTE.length];
      return {
        label: "?" + name,
        data: drawn.map(function (row) { return row[name] ? Number(row[name].value) : null; }),
        backgroundColor: pie ? labels.map(function (_, slice) { return PALETTE[slice % PALETTE.length]; }) : colour,
        borderColor: pie ? "#ffffff" : colour,
        borderWidth: pie ? 1 : 2,
        fill: false,
      };
    });
    this.chart = new Chart(canvas, {
      type: settings.type,
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: true, position: pie ? "right" : "top" } },
        scales: pie ? {} : { y: { beginAtZero: true } },
      },
    });
    canvas.kgChart = this.chart;
  };

  ChartPlugin.prototype.destroy = function () {
    if (this.chart) {
      this.chart.destroy();
      this.chart = null;
    }
  };

  window.Yasgui.Yasr.registerPlugin("chart", ChartPlugin);
})();
