// The docs site's behaviour: theme toggle, copy-link, contents drawer and search.
// It loads nothing from the network and builds every element with DOM calls and
// textContent, never from HTML strings, so no spec text can become markup.
(function () {
  "use strict";

  var THEME_KEY = "specc-theme";
  var root = document.documentElement;

  function readTheme() {
    try {
      return window.localStorage.getItem(THEME_KEY);
    } catch (error) {
      return null;
    }
  }

  function saveTheme(theme) {
    try {
      window.localStorage.setItem(THEME_KEY, theme);
    } catch (error) {
      // Storage may be off (private windows, file: policies); the toggle still works.
    }
  }

  var saved = readTheme();
  if (saved === "light" || saved === "dark") {
    root.setAttribute("data-theme", saved);
  }

  function currentTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) {
      return chosen;
    }
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");
    return dark && dark.matches ? "dark" : "light";
  }

  function toggleTheme() {
    var next = currentTheme() === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    saveTheme(next);
  }

  // --- copy a rule's link ------------------------------------------------------

  function copyLink(event) {
    var link = event.currentTarget;
    var url = window.location.href.split("#")[0] + link.getAttribute("href");
    var done = function () {
      link.classList.add("copied");
      window.setTimeout(function () {
        link.classList.remove("copied");
      }, 1600);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, function () {});
    }
  }

  // --- contents drawer on narrow screens ----------------------------------------

  function setDrawer(open) {
    document.body.classList.toggle("toc-open", open);
    var button = document.querySelector(".toc-toggle");
    if (button) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
  }

  // --- where am I: highlight the contents entry of the section in view -----------

  function trackPosition() {
    var links = {};
    var sections = [];
    document.querySelectorAll(".toc a[href^='#']").forEach(function (a) {
      var target = document.getElementById(a.getAttribute("href").slice(1));
      if (target) {
        links[target.id] = a;
        sections.push(target);
      }
    });
    if (!sections.length) {
      return;
    }
    var active = null;
    var pending = false;
    function update() {
      pending = false;
      var current = null;
      var limit = 120;
      for (var i = 0; i < sections.length; i++) {
        if (sections[i].getBoundingClientRect().top - limit > 0) {
          break;
        }
        current = sections[i];
      }
      var link = current ? links[current.id] : null;
      if (link === active) {
        return;
      }
      if (active) {
        active.classList.remove("active");
      }
      active = link;
      if (active) {
        active.classList.add("active");
        var bar = active.closest(".sidebar");
        if (bar) {
          var box = active.getBoundingClientRect();
          var frame = bar.getBoundingClientRect();
          if (box.top < frame.top || box.bottom > frame.bottom) {
            bar.scrollTop += box.top - frame.top - frame.height / 3;
          }
        }
      }
    }
    window.addEventListener(
      "scroll",
      function () {
        if (!pending) {
          pending = true;
          window.requestAnimationFrame(update);
        }
      },
      { passive: true }
    );
    update();
  }

  // --- search ----------------------------------------------------------------------

  var MAX_RESULTS = 20;

  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
  }

  function prepare(entries) {
    entries.forEach(function (entry) {
      entry.lowTitle = entry.title.toLowerCase();
      entry.lowRule = entry.rule.toLowerCase();
      entry.lowText = entry.text.toLowerCase();
    });
    return entries;
  }

  function score(entry, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      var inRule = entry.lowRule.indexOf(term);
      var inTitle = entry.lowTitle.indexOf(term);
      var inText = entry.lowText.indexOf(term);
      if (inRule < 0 && inTitle < 0 && inText < 0) {
        return 0;
      }
      if (entry.lowRule === term) total += 20;
      if (inRule >= 0) total += 8;
      if (inTitle >= 0) total += 10 + (inTitle === 0 ? 4 : 0);
      if (inText >= 0) total += 2;
    }
    return total;
  }

  function search(entries, query) {
    var terms = words(query);
    if (!terms.length) {
      return { terms: terms, hits: [] };
    }
    var hits = [];
    entries.forEach(function (entry, position) {
      var value = score(entry, terms);
      if (value > 0) {
        hits.push({ entry: entry, score: value, position: position });
      }
    });
    hits.sort(function (a, b) {
      return b.score - a.score || a.position - b.position;
    });
    return { terms: terms, hits: hits };
  }

  // Append ``text`` to ``parent`` with every term wrapped in <mark>, as text nodes.
  function appendMarked(parent, text, terms) {
    var low = text.toLowerCase();
    var at = 0;
    while (at < text.length) {
      var next = -1;
      var length = 0;
      terms.forEach(function (term) {
        var found = low.indexOf(term, at);
        if (found >= 0 && (next < 0 || found < next)) {
          next = found;
          length = term.length;
        }
      });
      if (next < 0) {
        break;
      }
      parent.appendChild(document.createTextNode(text.slice(at, next)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(next, next + length);
      parent.appendChild(mark);
      at = next + length;
    }
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function snippet(entry, terms) {
    var first = -1;
    terms.forEach(function (term) {
      var found = entry.lowText.indexOf(term);
      if (found >= 0 && (first < 0 || found < first)) {
        first = found;
      }
    });
    if (first < 0) {
      return entry.text.slice(0, 140) + (entry.text.length > 140 ? "…" : "");
    }
    var start = Math.max(0, first - 60);
    var end = Math.min(entry.text.length, first + 100);
    return (start > 0 ? "…" : "") + entry.text.slice(start, end) + (end < entry.text.length ? "…" : "");
  }

  function setupSearch() {
    var input = document.getElementById("ui/search");
    var panel = document.getElementById("ui/search-results");
    if (!input || !panel) {
      return;
    }
    var entries = prepare(Array.isArray(window.SPECC_SEARCH) ? window.SPECC_SEARCH : []);
    var multiSpec = new Set(entries.map(function (e) { return e.page; })).size > 1;
    var here = window.location.pathname.split("/").pop();
    var active = -1;

    function items() {
      return panel.querySelectorAll(".search-result");
    }

    function highlight(index) {
      var list = items();
      if (!list.length) {
        return;
      }
      active = (index + list.length) % list.length;
      list.forEach(function (item, i) {
        item.classList.toggle("active", i === active);
      });
      list[active].scrollIntoView({ block: "nearest" });
    }

    function close() {
      panel.hidden = true;
      active = -1;
    }

    function show() {
      var found = search(entries, input.value);
      panel.textContent = "";
      active = -1;
      if (!found.terms.length) {
        close();
        return;
      }
      if (!found.hits.length) {
        var empty = document.createElement("div");
        empty.className = "search-empty";
        empty.textContent = "No rule matches “" + input.value.trim() + "”.";
        panel.appendChild(empty);
        panel.hidden = false;
        return;
      }
      var count = document.createElement("div");
      count.className = "search-count";
      count.textContent = found.hits.length + (found.hits.length === 1 ? " match" : " matches");
      panel.appendChild(count);
      var list = document.createElement("ol");
      found.hits.slice(0, MAX_RESULTS).forEach(function (hit) {
        var entry = hit.entry;
        var item = document.createElement("li");
        item.className = "search-result";
        var link = document.createElement("a");
        link.href = (entry.page === here ? "" : entry.page) + "#" + entry.anchor;
        if (multiSpec) {
          var spec = document.createElement("span");
          spec.className = "result-spec";
          spec.textContent = entry.spec;
          link.appendChild(spec);
        }
        var title = document.createElement("span");
        title.className = "result-title";
        appendMarked(title, entry.title, found.terms);
        link.appendChild(title);
        if (entry.rule) {
          var id = document.createElement("span");
          id.className = "result-id";
          id.textContent = "#" + entry.rule;
          link.appendChild(id);
        }
        var text = document.createElement("span");
        text.className = "result-snippet";
        appendMarked(text, snippet(entry, found.terms), found.terms);
        link.appendChild(text);
        link.addEventListener("click", function () {
          close();
          setDrawer(false);
        });
        item.appendChild(link);
        list.appendChild(item);
      });
      panel.appendChild(list);
      panel.hidden = false;
    }

    input.addEventListener("input", show);
    input.addEventListener("focus", function () {
      if (input.value.trim()) {
        show();
      }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter") {
        var list = items();
        var chosen = list[active >= 0 ? active : 0];
        if (chosen) {
          event.preventDefault();
          chosen.querySelector("a").click();
        }
      } else if (event.key === "Escape") {
        input.value = "";
        close();
        input.blur();
      }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".search")) {
        close();
      }
    });
    document.addEventListener("keydown", function (event) {
      var typing = event.target.closest && event.target.closest("input, textarea, select");
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  function init() {
    var toggle = document.getElementById("ui/theme-toggle");
    if (toggle) {
      toggle.addEventListener("click", toggleTheme);
    }
    document.querySelectorAll(".copy-link").forEach(function (link) {
      link.addEventListener("click", copyLink);
    });
    var drawer = document.querySelector(".toc-toggle");
    if (drawer) {
      drawer.addEventListener("click", function () {
        setDrawer(!document.body.classList.contains("toc-open"));
      });
    }
    document.querySelectorAll(".sidebar a").forEach(function (link) {
      link.addEventListener("click", function () {
        setDrawer(false);
      });
    });
    document.addEventListener("click", function (event) {
      var open = document.body.classList.contains("toc-open");
      if (open && !event.target.closest(".sidebar, .toc-toggle")) {
        setDrawer(false);
      }
    });
    setupSearch();
    trackPosition();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
