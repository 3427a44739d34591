/* zhuanjie: the dashboard's charts (Chart.js). The data is the JSON block #chart-data; every
 * chart has its table below it with the same numbers, and a click on a bar or a point opens
 * the cases behind it, like the links in the tables. */
(function () {
  "use strict";
  var dataEl = document.getElementById("chart-data");
  if (!dataEl || typeof window.Chart === "undefined") {
    return;
  }
  var COLOURS = ["#1d5fa8", "#c8161d", "#1e7a34", "#b76e00", "#6b4fa0"];
  var Chart = window.Chart;
  Chart.defaults.font.family = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.animation = false;

  function dataset(ds, i, line) {
    var colour = COLOURS[i % COLOURS.length];
    return {
      label: ds.label, data: ds.data, links: ds.links || [],
      type: (line || ds.line) ? "line" : "bar",
      backgroundColor: colour, borderColor: colour, borderWidth: (line || ds.line) ? 2 : 0,
      pointRadius: ds.line ? 10 : 3, pointStyle: ds.line ? "line" : "circle",
      showLine: !ds.line, maxBarThickness: 18, spanGaps: true
    };
  }

  function draw(spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) {
      return;
    }
    if (!spec.labels.length) {
      canvas.parentNode.classList.add("empty");
      return;
    }
    var chart = new Chart(canvas, {
      type: spec.line ? "line" : "bar",
      data: {labels: spec.labels, datasets: spec.datasets.map(function (ds, i) {
        return dataset(ds, i, spec.line);
      })},
      options: {
        indexAxis: spec.horizontal ? "y" : "x", maintainAspectRatio: false, responsive: true,
        plugins: {legend: {display: spec.datasets.length > 1, position: "bottom"}},
        scales: {x: {ticks: {precision: 0}}, y: {ticks: {precision: 0}}},
        onClick: function (event, elements) {
          if (!elements.length) {
            return;
          }
          var ds = chart.data.datasets[elements[0].datasetIndex];
          var link = ds.links && ds.links[elements[0].index];
          if (link) {
            window.location.href = link;
          }
        }
      }
    });
    canvas.setAttribute("data-ready", "true");
  }

  JSON.parse(dataEl.textContent).charts.forEach(draw);
}());
