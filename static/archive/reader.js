/* The document page's reader: tabs for translations, transcripts and scans, and copy buttons.
 *
 * Without JavaScript every version is shown one after another, with a list of links to
 * each. With it, the links become an ARIA tablist (arrow keys, Home and End move between
 * tabs); the selected tab is kept in the URL hash, and switching keeps the reader's place:
 * the tabs stay where they were on screen, and a version read before reopens where it
 * was left.
 */
(function () {
  "use strict";

  function setUpReader(reader) {
    var nav = reader.querySelector(".reader-nav");
    var panels = Array.prototype.slice.call(reader.querySelectorAll(".reader-panel"));
    if (!nav || panels.length < 2) return;

    var tablist = document.createElement("div");
    tablist.className = "reader-tabs";
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", nav.getAttribute("aria-label"));
    var positions = {};
    var tabs = panels.map(function (panel) {
      var link = nav.querySelector('a[href="#' + panel.id + '"]');
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = "tab-" + panel.id;
      tab.className = "reader-tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = link ? link.textContent : panel.id;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.setAttribute("tabindex", "0");
      tablist.appendChild(tab);
      return tab;
    });
    nav.replaceWith(tablist);

    function current() {
      return panels.find(function (panel) { return !panel.hidden; });
    }

    function select(index, options) {
      options = options || {};
      var before = current();
      var tabsTop = tablist.getBoundingClientRect().top;
      if (before) {
        // How far into this version the reader had scrolled.
        positions[before.id] = Math.max(0, -before.getBoundingClientRect().top);
      }
      tabs.forEach(function (tab, i) {
        var selected = i === index;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.tabIndex = selected ? 0 : -1;
        panels[i].hidden = !selected;
      });
      var panel = panels[index];
      if (options.focus) tabs[index].focus({ preventScroll: true });
      if (options.keepPlace && before && before !== panel) {
        var saved = positions[panel.id];
        if (saved) {
          window.scrollTo(0, window.scrollY + panel.getBoundingClientRect().top + saved);
        } else {
          window.scrollBy(0, tablist.getBoundingClientRect().top - tabsTop);
        }
      }
      if (options.remember && history.replaceState) {
        history.replaceState(null, "", "#" + panel.id);
      }
    }

    function indexOfHash() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      return panels.findIndex(function (panel) { return panel.id === id; });
    }

    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () {
        select(i, { keepPlace: true, remember: true });
      });
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        next = (next + tabs.length) % tabs.length;
        select(next, { focus: true, keepPlace: true, remember: true });
      });
    });

    window.addEventListener("hashchange", function () {
      var index = indexOfHash();
      if (index >= 0) select(index, { remember: false });
    });

    var start = indexOfHash();
    select(start >= 0 ? start : 0, {});
    if (start >= 0) tablist.scrollIntoView();
  }

  function setUpCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false; // useless without JavaScript, so hidden until now
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        var status = document.getElementById(button.getAttribute("data-status"));
        var text = source.value !== undefined ? source.value : source.textContent.trim();
        function done(message) {
          if (status) status.textContent = message;
        }
        function fallback() {
          // Older browsers, or clipboard access refused: select the text for Ctrl+C.
          var range = document.createRange();
          if (source.select) {
            source.select();
          } else {
            range.selectNodeContents(source);
            var selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
          }
          done("Selected: press Ctrl+C (or ⌘+C) to copy.");
        }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(function () { done("Copied."); }, fallback);
        } else {
          fallback();
        }
      });
    });
  }

  document.querySelectorAll("[data-reader]").forEach(setUpReader);
  setUpCopyButtons();
})();
