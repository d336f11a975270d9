// Draws each chart whose ECharts options the page carries as JSON: <div data-chart="id">
// takes its spec from <script id="id" type="application/json">.
//
// Every chart can be saved as a PNG file. A spec built in Python names its file and the
// button's title in its toolbox (saveAsImage, type png); a spec without a toolbox gets one
// here. Charts are drawn as SVG on the page (crisp, and what the page tests look for), and
// ECharts' own saveAsImage saves an SVG renderer's chart as SVG, so the button is replaced
// by one that draws the same options once more on a canvas, off screen, at twice the pixels,
// and saves that as PNG.
(function () {
  "use strict";
  var PNG_ICON = "path://M4 20h16v-2H4zM12 3v10.2l-3.6-3.6L7 11l5 5 5-5-1.4-1.4-3.6 3.6V3z";

  function defaultTitle() {
    var lang = (document.documentElement.lang || "").toLowerCase();
    return lang.indexOf("zh") === 0 ? "保存为PNG图片" : "Save as PNG";
  }

  function fileName(el, option) {
    var title = option.title && (Array.isArray(option.title) ? option.title[0] : option.title);
    return (title && title.text) || el.dataset.chart || "chart";
  }

  function savePng(el, option, save) {
    var width = el.clientWidth || 800, height = el.clientHeight || 400;
    var box = document.createElement("div");
    box.style.cssText = "position:fixed;left:-10000px;top:0;width:" + width + "px;height:" + height + "px";
    document.body.appendChild(box);
    var copy = echarts.init(box, null, { renderer: "canvas", width: width, height: height });
    var options = JSON.parse(JSON.stringify(option));
    options.animation = false;
    delete options.toolbox;  // the button has no place in the file
    copy.setOption(options);
    var url = copy.getDataURL({
      type: "png",
      pixelRatio: save.pixelRatio || 2,
      backgroundColor: save.backgroundColor || "#ffffff"
    });
    copy.dispose();
    box.remove();
    var bytes = atob(url.slice(url.indexOf(",") + 1));
    var data = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) data[i] = bytes.charCodeAt(i);
    var href = URL.createObjectURL(new Blob([data], { type: "image/png" }));
    var link = document.createElement("a");
    link.download = (save.name || "chart") + ".png";
    link.href = href;
    link.style.display = "none";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(href); }, 1000);
  }

  function withPngButton(el, option) {
    var toolbox = option.toolbox || { right: 8, top: 0 };
    var feature = toolbox.feature || {};
    var save = feature.saveAsImage || { type: "png" };
    if (!save.name) save.name = fileName(el, option);
    var shown = JSON.parse(JSON.stringify(option));
    var features = {};
    Object.keys(feature).forEach(function (key) { if (key !== "saveAsImage") features[key] = feature[key]; });
    features.myPng = {
      show: true,
      title: save.title || defaultTitle(),
      icon: save.icon || PNG_ICON,
      onclick: function () { savePng(el, option, save); }
    };
    shown.toolbox = Object.assign({}, toolbox, { feature: features });
    return shown;
  }

  function draw() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = document.getElementById(el.dataset.chart);
      if (!spec || el.dataset.drawn) return;
      var option = JSON.parse(spec.textContent);
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(withPngButton(el, option));
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
  document.addEventListener("htmx:afterSettle", draw);
})();
