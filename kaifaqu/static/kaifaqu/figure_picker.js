// The figures page's metric chooser: a checkbox list grouped by department, with a search
// that hides what does not match, "choose all shown", "clear" and a count of the chosen.
(function () {
  "use strict";
  function setUp(picker) {
    var search = picker.querySelector("[data-picker-search]");
    var count = picker.querySelector("[data-picker-count]");
    var items = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-item]"));
    var groups = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-group]"));
    function boxes(onlyShown) {
      return items.filter(function (item) { return !onlyShown || !item.hidden; })
        .map(function (item) { return item.querySelector("input[type=checkbox]"); });
    }
    function recount() {
      if (count) count.textContent = boxes(false).filter(function (b) { return b.checked; }).length;
    }
    function filter() {
      var words = (search.value || "").trim().toLowerCase().split(/\s+/).filter(Boolean);
      items.forEach(function (item) {
        var text = (item.dataset.search || item.textContent).toLowerCase();
        item.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-picker-item]:not([hidden])");
      });
    }
    if (search) {
      search.addEventListener("input", filter);
      // Enter in the search box filters; it does not submit the form.
      search.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    }
    var all = picker.querySelector("[data-picker-all]");
    var none = picker.querySelector("[data-picker-none]");
    if (all) all.addEventListener("click", function () {
      boxes(true).forEach(function (b) { b.checked = true; }); recount();
    });
    if (none) none.addEventListener("click", function () {
      boxes(true).forEach(function (b) { b.checked = false; }); recount();
    });
    picker.addEventListener("change", recount);
  }
  function init() {
    document.querySelectorAll("[data-testid=metric-picker]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
