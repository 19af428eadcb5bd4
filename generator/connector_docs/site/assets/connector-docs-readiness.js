/* connector-docs: sorting and filtering of the readiness page's gate grid.
 * The page is complete without this script (every connector, every gate; the filter
 * form stays hidden, as it could do nothing). With it, each column header becomes a
 * button that sorts the rows (again: the other way; aria-sort says which), and the form
 * narrows the rows by tier, by a gate's state (e.g. "Scopes: missing") and by the audit's
 * lists (failing, downgraded, ready to promote). It reads the data-* attributes the
 * template writes and changes nothing but the rows' order and visibility; catalog text
 * is only ever read and written as text (textContent), never as markup. Works with
 * Material's instant navigation (document$) and without it. */
(function () {
  "use strict";

  var TIERS = { Gold: 0, Silver: 1, Bronze: 2 };
  var STATES = { missing: 0, passed: 1, "n/a": 2 };

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function setup() {
    var grid = document.getElementById("cd-readiness-grid");
    var form = document.getElementById("cd-readiness-filters");
    if (!grid || !form || grid.getAttribute("data-cd-ready")) return;
    grid.setAttribute("data-cd-ready", "1");
    var body = grid.tBodies[0];
    var rows = toArray(body.rows);
    rows.forEach(function (row, i) { row.setAttribute("data-order", String(i)); });
    var count = document.getElementById("cd-readiness-count");
    var heads = toArray(grid.tHead.rows[0].cells);

    function key(row, index, kind) {
      var cell = row.cells[index];
      if (kind === "tier") return TIERS[row.getAttribute("data-tier")];
      if (kind === "state") return STATES[cell.getAttribute("data-state")];
      return (cell.textContent || "").trim().toLowerCase();
    }

    function sortBy(index) {
      var head = heads[index];
      var kind = head.getAttribute("data-sort");
      var ascending = head.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var sorted = rows.slice().sort(function (a, b) {
        var x = key(a, index, kind);
        var y = key(b, index, kind);
        var order = x < y ? -1 : x > y ? 1 : 0;
        if (!ascending) order = -order;
        // Ties keep the report's order (the catalog's), whatever the direction.
        return order || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    }

    heads.forEach(function (head, index) {
      if (!head.getAttribute("data-sort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cd-sort";
      while (head.firstChild) button.appendChild(head.firstChild);
      head.appendChild(button);
      button.addEventListener("click", function () { sortBy(index); });
    });

    function apply() {
      var tier = form.elements.tier.value;
      var gate = form.elements.gate.value;
      var state = form.elements.state.value;
      var status = form.elements.status.value;
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!tier || row.getAttribute("data-tier") === tier) &&
          (!status || row.getAttribute("data-status") === status);
        if (ok && gate) {
          var cell = row.querySelector('td[data-gate="' + gate.replace(/["\\]/g, "") + '"]');
          ok = !!cell && cell.getAttribute("data-state") === state;
        }
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      form.elements.state.disabled = !gate;
      if (count) count.textContent = shown + " of " + rows.length + " connectors";
    }

    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
    form.hidden = false;
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
