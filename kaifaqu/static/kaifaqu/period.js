// The period picker (core.widgets.PeriodInput): the year and kind selects write the canonical
// written form of the period they name into the text box (2017, 2017H1, 2017Q3, 2017-08,
// 2017-01/2017-08: docs/architecture.md "Periods"), and typing in the box sets the selects
// when it names one of their periods. The box is what the form sends and stays typeable.
// Loaded once per picker on a page, so it marks each picker it has set up.
(function () {
  "use strict";

  function pad(m) { return (m < 10 ? "0" : "") + m; }

  // The written form of (year, kind): kind is "Y", "H1".."H2", "Q1".."Q4", "M1".."M12" or
  // "W2".."W11" (months 1 to N).
  function written(year, kind) {
    var n = parseInt(kind.slice(1), 10);
    switch (kind.charAt(0)) {
      case "Y": return year;
      case "H": case "Q": return year + kind;
      case "M": return year + "-" + pad(n);
      case "W": return year + "-01/" + year + "-" + pad(n);
    }
    return "";
  }

  // The (year, kind) of a written period, or null when the selects cannot name it.
  function read(text) {
    var s = String(text || "").trim(), m;
    if ((m = /^([0-9]{4})$/.exec(s))) return [m[1], "Y"];
    if ((m = /^([0-9]{4})(H[12]|Q[1-4])$/.exec(s))) return [m[1], m[2]];
    if ((m = /^([0-9]{4})-(0[1-9]|1[0-2])$/.exec(s))) return [m[1], "M" + parseInt(m[2], 10)];
    m = /^([0-9]{4})-01\/([0-9]{4})-(0[1-9]|1[0-2])$/.exec(s);
    if (m && m[1] === m[2]) {
      var last = parseInt(m[3], 10);
      if (last === 1) return [m[1], "M1"];
      if (last === 12) return [m[1], "Y"];
      return [m[1], "W" + last];
    }
    return null;
  }

  function setYear(select, year) {
    var found = Array.prototype.some.call(select.options, function (o) { return o.value === year; });
    if (!found) {
      var option = document.createElement("option");
      option.value = option.textContent = year;
      select.insertBefore(option, select.firstChild);
    }
    select.value = year;
  }

  function setUp(picker) {
    if (picker.dataset.periodReady) return;
    picker.dataset.periodReady = "1";
    var box = picker.querySelector("input"),
      year = picker.querySelector("[data-period-year]"),
      kind = picker.querySelector("[data-period-kind]");
    if (!box || !year || !kind) return;

    function write() {
      if (!kind.value) return;
      box.value = written(year.value, kind.value);
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
    year.addEventListener("change", write);
    kind.addEventListener("change", write);
    box.addEventListener("input", function () {
      var found = read(box.value);
      if (found) {
        setYear(year, found[0]);
        kind.value = found[1];
      } else {
        kind.value = "";
      }
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-period-picker]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
  // Pickers that arrive with an htmx swap.
  document.addEventListener("htmx:load", setUpAll);
})();
