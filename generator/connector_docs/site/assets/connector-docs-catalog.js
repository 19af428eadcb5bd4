/* connector-docs: client-side filtering of the app catalog page.
 * The page is complete without this script (a plain list; the filter form stays hidden,
 * as it could do nothing). With it, facets (status, category, auth, pricing tier: AND
 * across facets, OR within one) and free-text search (every word must occur in the name,
 * description, action/trigger ids and names or scopes) narrow the list; each facet value
 * shows how many connectors choosing it would give; the state lives in the URL
 * (?status=stable&search=invoice) so a filtered view can be shared and survives reloads
 * and the back button. Not ?q=: Material opens its own search dialog for ?q= (and
 * highlights for ?h=). No framework, no CDN. Works with Material's instant navigation
 * (document$ emits for every page swapped in) and without it. */
(function () {
  "use strict";

  var FACETS = ["status", "category", "auth", "tier"];
  var SEARCH = "search"; // the URL parameter of the free-text search

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function setup() {
    var form = document.getElementById("cd-filters");
    var list = document.getElementById("cd-catalog");
    // Not the catalog page, or already wired (document$ may emit for the same document).
    if (!form || !list || form.getAttribute("data-cd-ready")) return;
    form.setAttribute("data-cd-ready", "1");

    var search = document.getElementById("cd-q");
    var counter = document.getElementById("cd-result-count");
    var empty = document.getElementById("cd-empty");
    var clear = document.getElementById("cd-clear");
    var groups = toArray(list.querySelectorAll(".cd-group"));
    // Read the cards once: attribute reads in the per-keystroke loop are slow at
    // thousands of connectors.
    var cards = toArray(list.querySelectorAll(".cd-card")).map(function (el) {
      var card = { el: el, text: el.getAttribute("data-search") || "" };
      FACETS.forEach(function (f) { card[f] = el.getAttribute("data-" + f) || ""; });
      return card;
    });
    var boxes = toArray(form.querySelectorAll('input[type="checkbox"]'))
      .filter(function (input) { return FACETS.indexOf(input.name) >= 0; })
      .map(function (input) {
        var label = input.closest("label");
        return { input: input, facet: input.name, value: input.value, label: label,
                 count: label && label.querySelector(".cd-count") };
      });

    function selected() {
      var state = {};
      FACETS.forEach(function (f) { state[f] = []; });
      boxes.forEach(function (b) { if (b.input.checked) state[b.facet].push(b.value); });
      return state;
    }

    function terms() {
      return (search.value || "").toLowerCase().split(/\s+/).filter(Boolean);
    }

    function apply(updateUrl) {
      var state = selected();
      var words = terms();
      var counts = {};
      FACETS.forEach(function (f) { counts[f] = Object.create(null); });
      var shown = 0;
      cards.forEach(function (card) {
        var ok = words.every(function (w) { return card.text.indexOf(w) >= 0; });
        if (ok) {
          // A card counts for a facet value when it passes the search and every *other*
          // facet: the number of connectors the user gets by also choosing that value.
          var failed = [];
          FACETS.forEach(function (f) {
            if (state[f].length && state[f].indexOf(card[f]) < 0) failed.push(f);
          });
          if (failed.length === 0) {
            FACETS.forEach(function (f) { counts[f][card[f]] = (counts[f][card[f]] || 0) + 1; });
          } else if (failed.length === 1) {
            var f = failed[0];
            counts[f][card[f]] = (counts[f][card[f]] || 0) + 1;
          }
          ok = failed.length === 0;
        }
        if (card.el.hidden === ok) card.el.hidden = !ok;
        if (ok) shown++;
      });
      groups.forEach(function (g) {
        g.hidden = !g.querySelector(".cd-card:not([hidden])");
      });
      boxes.forEach(function (b) {
        var n = counts[b.facet][b.value] || 0;
        if (b.count) b.count.textContent = "(" + n + ")";
        if (b.label) b.label.classList.toggle("cd-facet__value--none", n === 0 && !b.input.checked);
      });
      var active = words.length > 0 || boxes.some(function (b) { return b.input.checked; });
      counter.textContent = shown + " of " + cards.length +
        (cards.length === 1 ? " connector" : " connectors");
      if (empty) empty.hidden = shown !== 0;
      if (clear) clear.hidden = !active;
      if (updateUrl) {
        var params = new URLSearchParams();
        FACETS.forEach(function (f) { state[f].forEach(function (v) { params.append(f, v); }); });
        if (search.value.trim()) params.set(SEARCH, search.value);
        var query = params.toString();
        // Keep history.state: Material keeps the scroll position for the back button there.
        history.replaceState(history.state, "",
          location.pathname + (query ? "?" + query : "") + location.hash);
      }
    }

    function restore() {
      var params = new URLSearchParams(location.search);
      boxes.forEach(function (b) {
        b.input.checked = params.getAll(b.facet).indexOf(b.value) >= 0;
      });
      search.value = params.get(SEARCH) || "";
    }

    function reset() {
      boxes.forEach(function (b) { b.input.checked = false; });
      search.value = "";
      apply(true);
      search.focus();
    }

    form.addEventListener("change", function () { apply(true); });
    search.addEventListener("input", function () { apply(true); });
    // Enter in the search box would submit the form and reload the page.
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    toArray(document.querySelectorAll("[data-cd-clear]")).forEach(function (button) {
      button.addEventListener("click", reset);
    });
    restore();
    apply(false);
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
