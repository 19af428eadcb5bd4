/* connector-docs: client-side filtering of the app catalog page.
 * The page is complete without this script (a plain list; the filter form stays hidden,
 * as it could do nothing). With it, facets (status, category, auth, pricing tier: AND
 * across facets, OR within one) and free-text search (every word must occur in the name,
 * description, action/trigger ids and names or scopes) narrow the list; each facet value
 * shows how many connectors choosing it would give; the state lives in the URL
 * (?status=stable&search=invoice) so a filtered view can be shared and survives reloads
 * and the back button. Not ?q=: Material opens its own search dialog for ?q= (and
 * highlights for ?h=). No framework, no CDN. Works with Material's instant navigation
 * (document$ emits for every page swapped in) and without it.
 *
 * Results first: a value no connector would match is hidden (unless it is ticked); a
 * facet shows its LIMIT biggest values until "Show all (N)"; on a narrow screen the
 * facets sit behind the "Filters" button (the stylesheet decides what is narrow, by the
 * catalog's own width); ticked values show as chips that remove them. Catalog data
 * reaches the page as text only (textContent), never as markup. */
(function () {
  "use strict";

  var FACETS = ["status", "category", "auth", "tier"];
  var SEARCH = "search"; // the URL parameter of the free-text search
  var LIMIT = 5; // values a collapsed facet shows (ticked ones come on top of these)

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function setup() {
    var form = document.getElementById("cd-filters");
    var list = document.getElementById("cd-catalog");
    // Not the catalog page, or already wired (document$ may emit for the same document).
    if (!form || !list || form.getAttribute("data-cd-ready")) return;
    form.setAttribute("data-cd-ready", "1");

    var browse = document.getElementById("cd-browse");
    var search = document.getElementById("cd-q");
    var counter = document.getElementById("cd-result-count");
    var empty = document.getElementById("cd-empty");
    var clear = document.getElementById("cd-clear");
    var chips = document.getElementById("cd-chips");
    var toggle = document.getElementById("cd-toggle");
    var active = document.getElementById("cd-active");
    var panel = document.getElementById("cd-facets");
    var skip = document.getElementById("cd-skip");
    var done = document.getElementById("cd-done");
    var groups = toArray(list.querySelectorAll(".cd-group"));
    // Read the cards once: attribute reads in the per-keystroke loop are slow at
    // thousands of connectors.
    var cards = toArray(list.querySelectorAll(".cd-card")).map(function (el) {
      var card = { el: el, text: el.getAttribute("data-search") || "" };
      FACETS.forEach(function (f) { card[f] = el.getAttribute("data-" + f) || ""; });
      return card;
    });
    var facets = toArray(form.querySelectorAll("fieldset.cd-facet")).map(function (fs) {
      var legend = fs.querySelector("legend");
      return { el: fs, title: legend ? legend.textContent : "", expanded: false,
               more: fs.querySelector(".cd-facet__more"), boxes: [] };
    });
    var boxes = [];
    facets.forEach(function (facet) {
      toArray(facet.el.querySelectorAll('input[type="checkbox"]')).forEach(function (input, i) {
        if (FACETS.indexOf(input.name) < 0) return;
        var label = input.closest("label");
        var name = label && label.querySelector(".cd-facet__name");
        var box = { input: input, facet: input.name, value: input.value, label: label,
                    group: facet, order: i, name: name ? name.textContent : input.value,
                    total: Number(label && label.getAttribute("data-total")) || 0,
                    count: label && label.querySelector(".cd-count") };
        facet.boxes.push(box);
        boxes.push(box);
      });
      // Biggest first, then page order: which values a collapsed facet shows.
      facet.ranked = facet.boxes.slice().sort(function (a, b) {
        return b.total - a.total || a.order - b.order;
      });
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

    function showValues(facet, counts) {
      // Offered: values some connector would match, and ticked ones (to untick them).
      var offered = facet.ranked.filter(function (b) {
        return counts[b.facet][b.value] > 0 || b.input.checked;
      });
      var focused = null;
      facet.boxes.forEach(function (b) { if (b.input === document.activeElement) focused = b; });
      var collapsible = offered.length > LIMIT + 1;
      var keep = offered;
      if (collapsible && !facet.expanded) {
        // The biggest, the ticked, and the one under the keyboard focus.
        keep = offered.filter(function (b, i) {
          return i < LIMIT || b.input.checked || b === focused;
        });
      }
      facet.boxes.forEach(function (b) {
        var hide = keep.indexOf(b) < 0;
        if (b.label && b.label.hidden !== hide) b.label.hidden = hide;
      });
      facet.el.hidden = offered.length === 0;
      if (facet.more) {
        facet.more.hidden = !collapsible;
        facet.more.setAttribute("aria-expanded", facet.expanded ? "true" : "false");
        facet.more.textContent = facet.expanded ? "Show fewer" : "Show all (" + offered.length + ")";
      }
      if (focused && keep.indexOf(focused) < 0) {
        // Its value just left no result (it was unticked): the focus goes to the next
        // value shown, else the one before, else the results; never to the page's top.
        var rest = facet.boxes.filter(function (b) { return keep.indexOf(b) >= 0; });
        var next = rest.filter(function (b) { return b.order > focused.order; })[0] ||
          rest[rest.length - 1];
        (next ? next.input : list).focus();
      }
    }

    var chipKey = null;

    function showChips() {
      var ticked = boxes.filter(function (b) { return b.input.checked; });
      var key = ticked.map(function (b) { return b.facet + "=" + b.value; }).join("\n");
      if (key === chipKey) return; // rebuilding would drop the focus of a chip
      chipKey = key;
      while (chips.firstChild) chips.removeChild(chips.firstChild);
      ticked.forEach(function (b) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "cd-chip";
        var hint = document.createElement("span");
        hint.className = "cd-sr";
        hint.textContent = "Remove filter: ";
        var facet = document.createElement("span");
        facet.className = "cd-chip__facet";
        facet.textContent = b.group.title + ": ";
        var cross = document.createElement("span");
        cross.className = "cd-chip__x";
        cross.setAttribute("aria-hidden", "true");
        cross.textContent = "\u00d7";
        button.appendChild(hint);
        button.appendChild(facet);
        button.appendChild(document.createTextNode(b.name));
        button.appendChild(cross);
        button.addEventListener("click", function () { removeChip(item, b); });
        item.appendChild(button);
        chips.appendChild(item);
      });
      chips.hidden = ticked.length === 0;
      if (active) {
        // "Filters 2 active" to a screen reader; a "2" pill to the eye.
        while (active.firstChild) active.removeChild(active.firstChild);
        if (ticked.length) {
          active.appendChild(document.createTextNode(String(ticked.length)));
          var words = document.createElement("span");
          words.className = "cd-sr";
          words.textContent = " active";
          active.appendChild(words);
        }
        active.hidden = ticked.length === 0;
      }
    }

    function removeChip(item, box) {
      // Focus goes to the chip that takes this one's place, else the one before, else
      // the results: never lost to the top of the page.
      var index = toArray(chips.children).indexOf(item);
      box.input.checked = false;
      apply(true);
      var target = chips.children[index] || chips.children[index - 1];
      if (target && target.firstChild) target.firstChild.focus();
      else list.focus();
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
      });
      facets.forEach(function (facet) { showValues(facet, counts); });
      showChips();
      var filtering = words.length > 0 || boxes.some(function (b) { return b.input.checked; });
      counter.textContent = shown + " of " + cards.length +
        (cards.length === 1 ? " connector" : " connectors");
      if (empty) empty.hidden = shown !== 0;
      if (done) done.textContent = "Show " + shown + (shown === 1 ? " result" : " results");
      if (clear) clear.hidden = !filtering;
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

    function openPanel(open) {
      if (!toggle || !panel) return;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("cd-facets--open", open);
    }

    function toResults(event) {
      if (event) event.preventDefault();
      list.focus({ preventScroll: true });
      list.scrollIntoView({ block: "start" });
    }

    form.addEventListener("change", function () { apply(true); });
    search.addEventListener("input", function () { apply(true); });
    // Enter in the search box would submit the form and reload the page.
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    toArray(document.querySelectorAll("[data-cd-clear]")).forEach(function (button) {
      button.addEventListener("click", reset);
    });
    facets.forEach(function (facet) {
      if (!facet.more) return;
      facet.more.addEventListener("click", function () {
        facet.expanded = !facet.expanded;
        apply(false);
      });
    });
    if (toggle) {
      toggle.addEventListener("click", function () {
        openPanel(toggle.getAttribute("aria-expanded") !== "true");
      });
    }
    if (panel) {
      panel.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && toggle && toggle.getAttribute("aria-expanded") === "true" &&
            toggle.offsetParent !== null) {
          openPanel(false);
          toggle.focus();
        }
      });
    }
    if (skip) skip.addEventListener("click", toResults);
    if (done) {
      done.addEventListener("click", function () {
        openPanel(false);
        toResults();
      });
    }
    restore();
    apply(false);
    form.hidden = false;
    if (browse) browse.classList.add("cd-browse--ready");
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
