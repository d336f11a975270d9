// The data entry page (stats/entry.html): the change against last year as the editor types,
// and the keyboard: Enter / ArrowDown and ArrowUp move between the value boxes of
// consecutive rows, Ctrl+S (or Ctrl+Enter) saves.
//
// The wording comes from the page (core.numbers' tables, as JSON in #entry-wording), and the
// arithmetic follows core.numbers exactly: numbers are read as decimals (BigInt, no binary
// floating point), rounded once, half up (away from zero), so the page shows what a figure
// will say ("增长8.0%", "下降3.2%", "持平", "提高1.98个百分点").
(function () {
  "use strict";

  var NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
  var GROUPED = /^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?$/;

  // What the editor typed as {n: BigInt, scale: int} (value = n / 10^scale); null when empty,
  // undefined when it is not a number. The same rules as forms.parse_number on the server.
  function parse(text) {
    var s = String(text || "").trim().normalize("NFKC").replace(/\u2212/g, "-").replace(/ /g, "");
    if (!s) return null;
    if (GROUPED.test(s)) s = s.replace(/,/g, "");
    if (!NUMBER.test(s)) return undefined;
    var negative = s.charAt(0) === "-";
    s = s.replace(/^[+-]/, "");
    var parts = s.split(".");
    var frac = parts[1] || "";
    var n = BigInt((parts[0] || "0") + frac);
    return { n: negative ? -n : n, scale: frac.length };
  }

  function pow10(k) { return BigInt(10) ** BigInt(k); }
  function abs(x) { return x < 0n ? -x : x; }

  // a and b on one scale: [a.n', b.n'].
  function align(a, b) {
    var s = Math.max(a.scale, b.scale);
    return [a.n * pow10(s - a.scale), b.n * pow10(s - b.scale)];
  }

  // num / den rounded half up (away from zero) to `decimals` places, scaled by 10^decimals.
  function divide(num, den, decimals) {
    var negative = (num < 0n) !== (den < 0n);
    var n = abs(num) * pow10(decimals);
    var d = abs(den);
    var r = (2n * n + d) / (2n * d);
    return negative ? -r : r;
  }

  // A value rounded half up to `decimals` places, scaled by 10^decimals.
  function round(x, decimals) {
    return divide(x.n, pow10(x.scale), decimals);
  }

  // |r| / 10^decimals written with exactly `decimals` places, as Decimal's "f" format does.
  function show(r, decimals) {
    var digits = abs(r).toString();
    if (decimals === 0) return digits;
    digits = digits.padStart(decimals + 1, "0");
    return digits.slice(0, -decimals) + "." + digits.slice(-decimals);
  }

  var wording = null;
  function word(key, n, extra) {
    var text = wording.words[key].replace("{n}", n);
    if (extra) Object.keys(extra).forEach(function (k) { text = text.replace("{" + k + "}", extra[k]); });
    return text;
  }

  // growth_phrase(pct, 1): 增长x% / 下降x% / 持平, from a percentage already scaled by 10.
  function growthPhrase(r) {
    if (r === 0n) return word("flat", "");
    return word(r > 0n ? "up" : "down", show(r, 1));
  }

  // pp_phrase(diff, d): 提高 / 回落 X个百分点 / 持平, diff already scaled by 10^d.
  function ppPhrase(r, decimals) {
    if (r === 0n) return word("flat", "");
    var n = show(r, decimals);
    var points = n === "1" ? wording.point : wording.points;
    return word(r > 0n ? "pp_up" : "pp_down", n, { points: points });
  }

  // The change a row states, or "" when it cannot be stated yet. `row` holds the row's data
  // attributes (kind, basis, decimals, unit, prior, comparable) and what is typed in its
  // value and reported-growth boxes.
  function phrase(row, valueText, reportedText) {
    var typed = parse(valueText);
    if (!typed) return "";
    if (row.basis === "reported") {
      // Growth at comparable prices is reported with the value, never derived from it.
      var reported = parse(reportedText);
      return reported ? growthPhrase(round(reported, 1)) : "";
    }
    var base = parse(row.comparable) || parse(row.prior);
    if (!base) return "";
    if (row.kind === "rate") {
      var decimals = parseInt(row.decimals, 10);
      return ppPhrase(round(typed, decimals) - round(base, decimals), decimals);
    }
    var ab = align(typed, base);
    if (ab[1] === 0n) return "";
    var text = growthPhrase(divide((ab[0] - ab[1]) * 100n, ab[1], 1));
    if (row.kind === "count") {
      var diff = ab[0] - ab[1];
      var unit = pow10(Math.max(typed.scale, base.scale));
      if (diff % unit === 0n) {
        var count = diff / unit;
        text += wording.separator + (count === 0n ? word("flat", "") :
          word(count > 0n ? "count_up" : "count_down", abs(count).toString(), { unit: row.unit }));
      }
    }
    return text;
  }

  function change(row) {
    var valueBox = row.querySelector("[data-entry-value]");
    var reportedBox = row.querySelector("[data-entry-reported]");
    valueBox.classList.toggle("is-invalid", parse(valueBox.value) === undefined);
    if (reportedBox) {
      reportedBox.classList.toggle("is-invalid", parse(reportedBox.value) === undefined);
    }
    return phrase(row.dataset, valueBox.value, reportedBox ? reportedBox.value : "");
  }

  function update(row) {
    var cell = row.querySelector("[data-growth]");
    if (cell) cell.textContent = change(row);
  }

  function start() {
    var table = document.querySelector("[data-entry-table]");
    var spec = document.getElementById("entry-wording");
    if (!table || !spec) return;
    wording = JSON.parse(spec.textContent);
    var form = table.closest("form");
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-element]"));
    var boxes = rows.map(function (row) { return row.querySelector("[data-entry-value]"); });

    rows.forEach(function (row) {
      update(row);
      row.addEventListener("input", function () { update(row); });
    });

    function move(from, step) {
      var i = boxes.indexOf(from) + step;
      while (i >= 0 && i < boxes.length && (!boxes[i] || boxes[i].disabled)) i += step;
      if (i >= 0 && i < boxes.length) {
        boxes[i].focus();
        boxes[i].select();
      }
    }

    boxes.forEach(function (box) {
      if (!box) return;
      box.addEventListener("keydown", function (event) {
        if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
        if (event.key === "Enter" || event.key === "ArrowDown") {
          event.preventDefault();  // Enter would submit the form; a row at a time instead
          move(box, 1);
        } else if (event.key === "ArrowUp") {
          event.preventDefault();
          move(box, -1);
        }
      });
    });

    // Enter in a row's other boxes (growth, note) goes on to the next row too, rather than
    // submitting the form half-way through a row.
    rows.forEach(function (row, i) {
      row.addEventListener("keydown", function (event) {
        var target = event.target;
        if (event.key !== "Enter" || event.ctrlKey || event.metaKey || event.isComposing) return;
        if (target.tagName !== "INPUT" || target.hasAttribute("data-entry-value")) return;
        event.preventDefault();
        move(boxes[i], 1);
      });
    });

    document.addEventListener("keydown", function (event) {
      var key = event.key.toLowerCase();
      if ((event.ctrlKey || event.metaKey) && (key === "s" || key === "enter")) {
        event.preventDefault();  // not the browser's "save page"
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }
    });

    // Where the editor starts: the first row refused on the last save, else the first row.
    var first = table.querySelector("tr[data-row-state='refused'] [data-entry-value]") ||
      boxes.filter(function (b) { return b && !b.disabled; })[0];
    if (first) first.focus();
  }

  // For the browser tests, which hold the wording against core.numbers' own.
  window.kaifaquEntry = { phrase: phrase };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
