// The investment kanban (investment/kanban.html): dragging a card to another column opens the
// evidence form of that move in a dialog, as does each card's "Move to" box (which, without
// JavaScript, opens the same form as a page). The server decides: a move it refuses comes back
// in the dialog with the reason, and nothing changes; a move it makes reloads the board, so
// the columns' counts and sums are the database's.
(function () {
  "use strict";

  var board = document.getElementById("board");
  var dialogEl = document.getElementById("move-dialog");
  var content = document.getElementById("move-dialog-content");
  if (!board || !dialogEl || !content || !window.htmx || !window.bootstrap) return;

  var dragged = null;

  function dialog() {
    return window.bootstrap.Modal.getOrCreateInstance(dialogEl);
  }

  function focusFirst() {
    var field =
      content.querySelector("[data-invalid] input, [data-invalid] textarea, [data-invalid] select") ||
      content.querySelector(".modal-body input:not([type=hidden]), .modal-body textarea, .modal-body select");
    if (field) field.focus();
  }

  function openMove(card, stage) {
    var params = new URLSearchParams({
      to: stage,
      version: card.dataset.version,
      next: window.location.pathname + window.location.search,
    });
    window.htmx
      .ajax("GET", card.dataset.moveUrl + "?" + params.toString(), {
        target: content,
        swap: "innerHTML",
      })
      .then(function () {
        dialog().show();
      });
  }

  function column(target) {
    return target instanceof Element ? target.closest("[data-drop]") : null;
  }

  function clearHighlight() {
    board.querySelectorAll(".kanban-over").forEach(function (el) {
      el.classList.remove("kanban-over");
    });
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element ? event.target.closest("[data-project]") : null;
    if (!card || card.getAttribute("draggable") !== "true") return;
    dragged = card;
    card.classList.add("kanban-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.project);
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("kanban-dragging");
    dragged = null;
    clearHighlight();
  });

  board.addEventListener("dragover", function (event) {
    var col = column(event.target);
    if (!col || !dragged || col.dataset.drop === dragged.dataset.stage) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!col.classList.contains("kanban-over")) {
      clearHighlight();
      col.classList.add("kanban-over");
    }
  });

  board.addEventListener("dragleave", function (event) {
    var col = column(event.target);
    if (col && !col.contains(event.relatedTarget)) col.classList.remove("kanban-over");
  });

  board.addEventListener("drop", function (event) {
    var col = column(event.target);
    if (!col || !dragged) return;
    event.preventDefault();
    clearHighlight();
    var card = dragged;
    dragged = null;
    card.classList.remove("kanban-dragging");
    if (col.dataset.drop !== card.dataset.stage) openMove(card, col.dataset.drop);
  });

  // The keyboard way: a card's "Move to" box opens the same dialog.
  board.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("kanban-move")) return;
    event.preventDefault();
    openMove(form.closest("[data-project]"), form.elements.to.value);
  });

  // On a phone, one stage at a time: the switcher shows the column asked for (its stage in
  // the address's fragment, so going back returns to it), the first one otherwise. CSS
  // applies it only below the desk's width, where the switcher is shown.
  var switcher = document.getElementById("stage-switch");
  if (switcher) {
    var columns = Array.prototype.slice.call(board.querySelectorAll("[data-column]"));
    var buttons = Array.prototype.slice.call(switcher.querySelectorAll("[data-switch]"));
    var showStage = function (stage) {
      columns.forEach(function (col) {
        col.classList.toggle("kanban-current", col.dataset.column === stage);
      });
      buttons.forEach(function (button) {
        var on = button.dataset.switch === stage;
        button.classList.toggle("active", on);
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
      board.setAttribute("data-stage-shown", stage);
    };
    var asked = window.location.hash.replace(/^#stage-/, "");
    var known = columns.some(function (col) {
      return col.dataset.column === asked;
    });
    showStage(known ? asked : columns.length ? columns[0].dataset.column : "");
    switcher.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("[data-switch]") : null;
      if (!button) return;
      showStage(button.dataset.switch);
      window.history.replaceState(null, "", "#stage-" + button.dataset.switch);
    });
    board.setAttribute("data-one-column", "");
    switcher.hidden = false;
  }

  dialogEl.addEventListener("shown.bs.modal", focusFirst);
  // A refusal re-renders the form inside the dialog: put the focus back in it.
  content.addEventListener("htmx:afterSwap", focusFirst);
  // Tells a test (or anyone watching) that cards can be dragged now.
  board.setAttribute("data-ready", "1");
})();
