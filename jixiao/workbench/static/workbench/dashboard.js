// Dashboard charts: data comes from the page (json_script), computed by the server's selectors.
// Tooltips are drawn on the canvas ("richText"): ECharts' HTML tooltips carry style="" attributes,
// which the Content-Security-Policy (style-src 'self') refuses.
(function () {
  var holder = document.getElementById("chart-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var font = {fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif"};
  function bars(id, values, name, max) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    chart.setOption({
      textStyle: font,
      tooltip: {trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return v == null ? "—" : v + (max === 100 ? "" : "%"); }},
      grid: {left: 48, right: 16, top: 24, bottom: 80},
      xAxis: {type: "category", data: data.counties, axisLabel: {rotate: 40, interval: 0}},
      yAxis: {type: "value", max: max, name: name},
      series: [{type: "bar", name: name, data: values, label: {show: data.counties.length <= 10, position: "top"}}]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bars("chart-execution", data.execution, "%", null);
  bars("chart-targets", data.targets, "%", null);
  bars("chart-scores", data.scores, "分", 100);
  var pie = document.getElementById("chart-grades");
  if (pie) {
    var chart = echarts.init(pie);
    chart.setOption({
      textStyle: font, tooltip: {trigger: "item", renderMode: "richText"}, legend: {bottom: 0},
      color: ["#2e7d32", "#1565c0", "#ef8f00", "#c62828"],
      series: [{type: "pie", radius: ["35%", "65%"], data: data.grades, label: {formatter: "{b}：{c}"}}]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
})();
