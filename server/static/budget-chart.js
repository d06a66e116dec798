/* The budget charts of the Linked Data pages of projects and programmes (templates/budget.html).
 *
 * The numbers are in the page's tables (table.budget[data-chart]), which read without
 * JavaScript; this draws a Chart.js bar chart above each table from its rows' data attributes:
 * data-label (a bar's place on the axis), data-series (its legend entry: a currency, or a
 * component and its currency) and data-value. Each (label, series) is one row the server summed
 * in one currency, so nothing is added here. Chart.js is served by this server (`kg assets`).
 */
(function () {
  "use strict";

  if (typeof window.Chart !== "function") {
    return;
  }
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf"];

  function unique(values) {
    return values.filter(function (value, index) { return values.indexOf(value) === index; });
  }

  document.querySelectorAll("table.budget[data-chart]").forEach(function (table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-value]"));
    if (!rows.length) {
      return;
    }
    var labels = unique(rows.map(function (row) { return row.dataset.label; }));
    var series = unique(rows.map(function (row) { return row.dataset.series; }));
    var datasets = series.map(function (name, index) {
      var colour = PALETTE[index % PALETTE.length];
      return {
        label: name,
        data: labels.map(function (label) {
          var row = rows.filter(function (candidate) {
            return candidate.dataset.label === label && candidate.dataset.series === name;
          })[0];
          return row ? Number(row.dataset.value) : null;
        }),
        backgroundColor: colour,
        borderColor: colour,
      };
    });
    var frame = document.createElement("div");
    frame.className = "budget-chart";
    var canvas = document.createElement("canvas");
    canvas.id = table.id + "-chart";
    canvas.setAttribute("role", "img");
    var title = document.getElementById(table.getAttribute("aria-labelledby"));
    canvas.setAttribute("aria-label", (title ? title.textContent : "Budget") + ": the table below has the numbers");
    frame.appendChild(canvas);
    table.parentNode.insertBefore(frame, table);
    canvas.kgChart = new window.Chart(canvas, {
      type: table.dataset.chart || "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        skipNull: true,
        plugins: { legend: { display: true, position: "top" } },
        scales: { y: { beginAtZero: true } },
      },
    });
  });
})();
