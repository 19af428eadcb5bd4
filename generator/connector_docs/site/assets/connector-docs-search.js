/* connector-docs: the site search with `search_backend: pagefind`.
 * The plugin switches Material's search plugin off (no header box, no whole-site index)
 * and indexes the finished site with Pagefind into pagefind/. This script puts a search
 * box in the header (or, in a theme without Material's header, at the top of the page)
 * and asks Pagefind's own runtime (pagefind/pagefind.js, loaded on the first keystroke),
 * which fetches only the index chunks a query needs and one small fragment per result
 * shown. Results are drawn here rather than by Pagefind's UI bundle (134 KB more on
 * every cold query). Texts from the index are only ever set as text; of an excerpt only
 * Pagefind's <mark> highlights are kept as elements. Paths come from this script's own URL
 * (assets/ is one folder below the site root), so a site served under a sub-path works.
 * Pagefind needs an HTTP server: opened from file:// the box says so. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var root = new URL("..", script.src);  // assets/connector-docs-search.js -> the site root
  var bundle = new URL("pagefind/", root).href;
  var ID = "cd-pagefind";
  var PAGE = 5;  // results drawn at a time: each costs a fragment request
  var SUBS = 3;  // sections shown under a result
  var WAIT = 200;  // ms after the last keystroke before searching
  var runtime = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function pagefind() {
    if (!runtime) {
      runtime = import(bundle + "pagefind.js").then(function (pf) {
        // noWorker: Pagefind's shared worker is 41 KB more per cold query; the search
        // itself (WebAssembly over a few chunks) is quick on the page's own thread.
        return Promise.resolve(pf.options({ baseUrl: root.pathname, noWorker: true }))
          .then(function () { return pf; });
      });
    }
    return runtime;
  }

  /* Pagefind's excerpt is HTML: text, entities and <mark>. Parsed inert (a template runs
   * and loads nothing); everything but the marks is copied as text. */
  function excerpt(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html || "";
    var out = el("span", "cd-pagefind__excerpt");
    Array.prototype.forEach.call(holder.content.childNodes, function (node) {
      out.appendChild(node.nodeName === "MARK" ? el("mark", "", node.textContent)
        : document.createTextNode(node.textContent || ""));
    });
    return out;
  }

  function item(data) {
    var li = el("li", "cd-pagefind__result");
    var link = el("a", "cd-pagefind__title", (data.meta && data.meta.title) || data.url);
    link.href = data.url;
    li.appendChild(link);
    li.appendChild(excerpt(data.excerpt));
    var subs = (data.sub_results || []).filter(function (s) { return s.url !== data.url; });
    if (subs.length) {
      var list = el("ul", "cd-pagefind__subs");
      subs.slice(0, SUBS).forEach(function (sub) {
        var a = el("a", "", sub.title);
        a.href = sub.url;
        var entry = el("li");
        entry.appendChild(a);
        list.appendChild(entry);
      });
      li.appendChild(list);
    }
    return li;
  }

  function setup() {
    if (document.getElementById(ID)) return;  // Material's instant navigation keeps the header
    var box = el("div", "cd-pagefind");
    box.id = ID;
    box.setAttribute("role", "search");
    var header = document.querySelector(".md-header__inner");
    if (header) {
      header.insertBefore(box, header.querySelector(".md-header__source"));
    } else {
      document.body.insertBefore(box, document.body.firstChild);
    }
    if (location.protocol === "file:") {
      box.textContent = "Search needs the site served over HTTP (e.g. python -m http.server).";
      box.className += " cd-pagefind--off";
      return;
    }
    var input = el("input", "cd-pagefind__input");
    input.type = "search";
    input.placeholder = "Search";
    input.setAttribute("aria-label", "Search the documentation");
    input.setAttribute("autocomplete", "off");
    var panel = el("div", "cd-pagefind__panel");
    panel.hidden = true;
    var status = el("p", "cd-pagefind__status");
    status.setAttribute("role", "status");
    var list = el("ol", "cd-pagefind__results");
    var more = el("button", "cd-pagefind__more", "More results");
    more.type = "button";
    more.hidden = true;
    panel.appendChild(status);
    panel.appendChild(list);
    panel.appendChild(more);
    box.appendChild(input);
    box.appendChild(panel);

    var results = [];
    var shown = 0;
    var serial = 0;

    function draw(mine) {
      var next = results.slice(shown, shown + PAGE);
      shown += next.length;
      more.hidden = true;
      return Promise.all(next.map(function (r) { return r.data(); })).then(function (all) {
        if (mine !== serial) return;
        all.forEach(function (data) { list.appendChild(item(data)); });
        more.hidden = shown >= results.length;
      });
    }

    function run() {
      var text = input.value.trim();
      var mine = ++serial;
      if (!text) {
        panel.hidden = true;
        return;
      }
      // Our own pause, not Pagefind's debouncedSearch: that fetches the chunks of every
      // partial word typed ("P", "Pi", "Pix"...) ahead, a third more bytes per query.
      new Promise(function (done) { setTimeout(done, WAIT); }).then(function () {
        return mine === serial ? pagefind() : null;
      }).then(function (pf) {
        return pf && mine === serial ? pf.search(text) : null;
      }).then(function (search) {
        if (!search || mine !== serial) return;  // a later keystroke took over
        results = search.results;
        shown = 0;
        list.textContent = "";
        status.textContent = results.length === 1 ? "1 result"
          : results.length ? results.length + " results" : "No results for \u201c" + text + "\u201d";
        panel.hidden = false;
        return draw(mine);
      }).catch(function (error) {
        status.textContent = "Search is unavailable: " + error;
        panel.hidden = false;
      });
    }

    input.addEventListener("input", run);
    input.addEventListener("focus", function () { if (input.value.trim()) panel.hidden = false; });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; run(); }
    });
    more.addEventListener("click", function () { draw(serial); });
    list.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) panel.hidden = true;
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target)) panel.hidden = true;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
