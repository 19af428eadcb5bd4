/* connector-docs: the site search with `search_backend: pagefind`.
 * The plugin switches Material's search plugin off (no header box, no whole-site index)
 * and indexes the finished site with Pagefind into pagefind/. This script puts a search
 * box in the header (or, in a theme without Material's header, at the top of the page)
 * and mounts Pagefind's own UI there (pagefind/pagefind-ui.js, written by the indexer),
 * which fetches only the index chunks a query needs. Paths come from this script's own
 * URL (assets/ is one folder below the site root), so a site served under a sub-path
 * works. Pagefind needs an HTTP server: opened from file:// the box says so. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var root = new URL("..", script.src);  // assets/connector-docs-search.js -> the site root
  var bundle = new URL("pagefind/", root).href;
  var ID = "cd-pagefind";

  function host() {
    var box = document.createElement("div");
    box.id = ID;
    box.className = "cd-pagefind";
    box.setAttribute("role", "search");
    var header = document.querySelector(".md-header__inner");
    if (header) {
      var before = header.querySelector(".md-header__source");
      header.insertBefore(box, before);
    } else {
      document.body.insertBefore(box, document.body.firstChild);
    }
    return box;
  }

  function load(tag, attrs, done) {
    var el = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (done) el.addEventListener("load", done);
    document.head.appendChild(el);
  }

  function setup() {
    if (document.getElementById(ID)) return;  // Material's instant navigation keeps the header
    var box = host();
    if (location.protocol === "file:") {
      box.textContent = "Search needs the site served over HTTP (e.g. python -m http.server).";
      box.className += " cd-pagefind--off";
      return;
    }
    load("link", { rel: "stylesheet", href: bundle + "pagefind-ui.css" });
    load("script", { src: bundle + "pagefind-ui.js" }, function () {
      /* global PagefindUI */
      new PagefindUI({
        element: "#" + ID,
        bundlePath: bundle,
        baseUrl: root.pathname,
        showSubResults: true,
        showImages: false,
        resetStyles: false,
        translations: { placeholder: "Search connectors, scopes, error codes" }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
