/* connector-docs: client-side filtering of the app catalog page.
 * The page is complete without this script (a plain list); with it, facets (status,
 * category, auth, pricing tier) and free-text search narrow the list, counts per facet
 * value are shown, and the state lives in the URL (?status=stable&q=invoice) so a
 * filtered view can be shared. No framework, no CDN. Works with Material's instant
 * navigation (document$) and without it. */
(function () {
  "use strict";

  function setup() {
    var form = document.getElementById("cd-filters");
    var list = document.getElementById("cd-catalog");
    if (!form || !list || form.dataset.cdReady) return;
    form.dataset.cdReady = "1";
    var cards = Array.prototype.slice.call(list.querySelectorAll(".cd-card"));
    var groups = Array.prototype.slice.call(list.querySelectorAll(".cd-group"));
    var facets = ["status", "category", "auth", "tier"];
    var search = document.getElementById("cd-q");
    var counter = document.getElementById("cd-result-count");
    var empty = document.getElementById("cd-empty");

    function selected() {
      var state = {};
      facets.forEach(function (f) {
        state[f] = Array.prototype.slice
          .call(form.querySelectorAll('input[name="' + f + '"]:checked'))
          .map(function (i) { return i.value; });
      });
      return state;
    }

    function words() {
      return (search.value || "").toLowerCase().split(/\s+/).filter(Boolean);
    }

    function matches(card, state, terms, skip) {
      for (var i = 0; i < facets.length; i++) {
        var f = facets[i];
        if (f === skip || state[f].length === 0) continue;
        if (state[f].indexOf(card.dataset[f]) < 0) return false;
      }
      var text = card.dataset.search || "";
      return terms.every(function (t) { return text.indexOf(t) >= 0; });
    }

    function apply(pushState) {
      var state = selected();
      var terms = words();
      var shown = 0;
      cards.forEach(function (card) {
        var ok = matches(card, state, terms, null);
        card.hidden = !ok;
        if (ok) shown++;
      });
      groups.forEach(function (g) {
        g.hidden = !g.querySelector(".cd-card:not([hidden])");
      });
      // Count per facet value: how many cards would match if this value were chosen
      // (other facets and the search applied), as faceted search UIs usually show.
      Array.prototype.slice.call(form.querySelectorAll(".cd-count")).forEach(function (el) {
        var parts = el.dataset.countFor.split("=");
        var facet = parts[0], value = parts.slice(1).join("=");
        var n = cards.filter(function (card) {
          return card.dataset[facet] === value && matches(card, state, terms, facet);
        }).length;
        el.textContent = "(" + n + ")";
      });
      counter.textContent = shown + " of " + cards.length + " connectors";
      empty.hidden = shown !== 0;
      if (pushState) {
        var params = new URLSearchParams();
        facets.forEach(function (f) { state[f].forEach(function (v) { params.append(f, v); }); });
        if (search.value) params.set("q", search.value);
        var query = params.toString();
        history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
      }
    }

    function restore() {
      var params = new URLSearchParams(location.search);
      facets.forEach(function (f) {
        var values = params.getAll(f);
        Array.prototype.slice.call(form.querySelectorAll('input[name="' + f + '"]')).forEach(function (i) {
          i.checked = values.indexOf(i.value) >= 0;
        });
      });
      search.value = params.get("q") || "";
    }

    form.addEventListener("change", function () { apply(true); });
    search.addEventListener("input", function () { apply(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    restore();
    apply(false);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
