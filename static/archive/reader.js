/* The document page's reader: tabs, or two panes side by side; aligned paragraphs; copy buttons.
 *
 * Without JavaScript every version is a plain section, and a form (?left=…&right=…) puts two
 * of them first, next to each other on a wide screen. With it:
 * - on a wide screen with two versions chosen, those two are shown side by side, each
 *   scrolling on its own or, with "Scroll in step", keeping aligned paragraphs level; the
 *   chooser applies at once and keeps the choice in the URL (history.replaceState);
 * - otherwise (a phone, or nothing chosen) the versions are ARIA tabs (arrow keys, Home and
 *   End move between tabs), the selected one kept in the URL hash; switching keeps the
 *   reader's place;
 * - in a text, the up and down arrow keys move between paragraphs; focusing or hovering one
 *   highlights the paragraphs of the other pane that render it (data-align names the
 *   original's paragraphs each one renders) and scrolls them into view, and the scan pane
 *   turns to the page the paragraph falls on (data-page);
 * - a link to a paragraph (#p3) opens the version holding it and lands on it; moving to a
 *   paragraph puts its link in the address bar.
 */
(function () {
  "use strict";

  var WIDE = "(min-width: 64em)";

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function keysOf(paragraph) {
    return (paragraph.getAttribute("data-align") || "").split(" ").filter(Boolean);
  }

  function sharesKey(keys, paragraph) {
    return keysOf(paragraph).some(function (key) { return keys.indexOf(key) >= 0; });
  }

  /* Scroll `element` into view inside the scrolling `pane`, leaving the window alone. */
  function revealWithin(pane, element) {
    if (pane.scrollHeight <= pane.clientHeight) return;
    var paneBox = pane.getBoundingClientRect();
    var box = element.getBoundingClientRect();
    if (box.top >= paneBox.top && box.bottom <= paneBox.bottom) return;
    pane.scrollTop += box.top - paneBox.top - pane.clientHeight / 4;
  }

  function turnScan(panel, page) {
    var viewer = panel && panel.querySelector("[data-iiif-viewer]");
    if (viewer && page) {
      viewer.dispatchEvent(new CustomEvent("dossier:page", { detail: { page: Number(page) } }));
    }
  }

  function setUpReader(reader) {
    var nav = reader.querySelector(".reader-nav");
    var panels = toArray(reader.querySelectorAll(".reader-panel"));
    if (!nav || !panels.length) return;
    var form = reader.querySelector(".reader-compare");
    var single = reader.querySelector("[data-reader-single]");
    var wide = window.matchMedia(WIDE);
    var state = {
      left: reader.getAttribute("data-left") || "",
      right: reader.getAttribute("data-right") || "",
      step: reader.hasAttribute("data-in-step"),
    };
    var positions = {};
    var tablist = null;
    var tabs = [];
    var followed = null; // the pane being scrolled to follow the other: its scroll is ignored
    reader.classList.remove("reader--two"); // the layout without script; .is-two from now on

    function panelById(id) {
      return panels.find(function (panel) { return panel.id === id; }) || null;
    }

    function panelOfHash() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = id && document.getElementById(id);
      return target && reader.contains(target) ? target.closest(".reader-panel") || null : null;
    }

    function isTwo() {
      return wide.matches && panelById(state.left) && panelById(state.right) &&
        state.left !== state.right;
    }

    function shown() {
      return panels.filter(function (panel) { return !panel.hidden; });
    }

    // Tabs -------------------------------------------------------------------------------

    if (panels.length > 1) {
      tablist = document.createElement("div");
      tablist.className = "reader-tabs";
      tablist.setAttribute("role", "tablist");
      tablist.setAttribute("aria-label", nav.getAttribute("aria-label"));
      tabs = panels.map(function (panel) {
        var link = nav.querySelector('a[href="#' + panel.id + '"]');
        var tab = document.createElement("button");
        tab.type = "button";
        tab.id = "tab-" + panel.id;
        tab.className = "reader-tab";
        tab.setAttribute("role", "tab");
        tab.setAttribute("aria-controls", panel.id);
        tab.textContent = link ? link.textContent : panel.id;
        tablist.appendChild(tab);
        return tab;
      });
      nav.replaceWith(tablist);
    }

    function select(index, options) {
      options = options || {};
      var before = shown()[0];
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
        history.replaceState(null, "", window.location.search + "#" + panel.id);
      }
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

    // One pane at a time, or two -----------------------------------------------------------

    function layout() {
      var two = isTwo();
      reader.classList.toggle("is-two", Boolean(two));
      if (single) single.hidden = !(state.left && state.right);
      panels.forEach(function (panel) {
        panel.classList.toggle("is-left", Boolean(two) && panel.id === state.left);
        panel.classList.toggle("is-right", Boolean(two) && panel.id === state.right);
        if (two || !tablist) {
          panel.hidden = two ? panel.id !== state.left && panel.id !== state.right : false;
          panel.removeAttribute("role");
          panel.removeAttribute("tabindex");
          panel.setAttribute("aria-labelledby", panel.id + "-heading");
        } else {
          panel.setAttribute("role", "tabpanel");
          panel.setAttribute("aria-labelledby", "tab-" + panel.id);
          panel.tabIndex = 0;
        }
      });
      if (tablist) tablist.hidden = Boolean(two);
      if (!two && tablist) {
        var wanted = panelOfHash() || panelById(state.left) || shown()[0] || panels[0];
        select(panels.indexOf(wanted), {});
      }
    }

    function remember() {
      if (!history.replaceState) return;
      var params = new URLSearchParams(window.location.search);
      if (state.left && state.right) {
        params.set("left", state.left);
        params.set("right", state.right);
      } else {
        params.delete("left");
        params.delete("right");
      }
      if (state.step) params.set("step", "1"); else params.delete("step");
      var query = params.toString();
      history.replaceState(
        null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash
      );
    }

    if (form) {
      var fromForm = function (event) {
        if (event) event.preventDefault();
        state.left = form.elements.left.value;
        state.right = form.elements.right.value;
        state.step = form.elements.step.checked;
        remember();
        layout();
      };
      form.addEventListener("submit", fromForm);
      form.elements.left.addEventListener("change", function () { fromForm(); });
      form.elements.right.addEventListener("change", function () { fromForm(); });
      form.elements.step.addEventListener("change", function () {
        state.step = form.elements.step.checked;
        remember();
      });
    }
    if (single) {
      single.addEventListener("click", function (event) {
        event.preventDefault();
        state.left = state.right = "";
        remember();
        layout();
        if (tabs.length) tabs[panels.indexOf(shown()[0])].focus();
      });
    }
    if (wide.addEventListener) wide.addEventListener("change", layout);

    // Aligned paragraphs -------------------------------------------------------------------

    function activate(paragraph) {
      toArray(reader.querySelectorAll(".is-current, .is-counterpart")).forEach(function (el) {
        el.classList.remove("is-current", "is-counterpart");
      });
      paragraph.classList.add("is-current");
      var own = paragraph.closest(".reader-panel");
      var keys = keysOf(paragraph);
      shown().forEach(function (panel) {
        if (panel === own) return;
        if (panel.getAttribute("data-pane") === "scan") {
          turnScan(panel, paragraph.getAttribute("data-page"));
          return;
        }
        var matches = toArray(panel.querySelectorAll(".para")).filter(function (other) {
          return keys.length && sharesKey(keys, other);
        });
        matches.forEach(function (other) { other.classList.add("is-counterpart"); });
        if (matches.length) revealWithin(panel, matches[0]);
      });
    }

    toArray(reader.querySelectorAll(".aligned-text")).forEach(function (text) {
      var paragraphs = toArray(text.querySelectorAll(".para"));
      paragraphs.forEach(function (paragraph, i) { paragraph.tabIndex = i === 0 ? 0 : -1; });

      function moveTo(paragraph) {
        paragraphs.forEach(function (other) { other.tabIndex = other === paragraph ? 0 : -1; });
        paragraph.focus({ preventScroll: true });
        paragraph.scrollIntoView({ block: "nearest" });
      }

      text.addEventListener("keydown", function (event) {
        var i = paragraphs.indexOf(event.target);
        if (i < 0) return;
        var next = {
          ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: paragraphs.length - 1,
        }[event.key];
        if (next === undefined || next < 0 || next >= paragraphs.length) return;
        event.preventDefault();
        moveTo(paragraphs[next]);
      });
      text.addEventListener("focusin", function (event) {
        var paragraph = event.target.closest(".para");
        if (!paragraph) return;
        paragraphs.forEach(function (other) { other.tabIndex = other === paragraph ? 0 : -1; });
        activate(paragraph);
        // The address bar now links to this paragraph, to cite or share it.
        if (history.replaceState && paragraph.id) {
          history.replaceState(null, "", window.location.search + "#" + paragraph.id);
        }
      });
      text.addEventListener("mouseover", function (event) {
        var paragraph = event.target.closest(".para");
        if (paragraph && !paragraph.classList.contains("is-current")) activate(paragraph);
      });
      // A page break names a page of the scan: turn to it where the scan is shown.
      text.addEventListener("click", function (event) {
        var link = event.target.closest("[data-scan-page]");
        if (!link) return;
        var scans = panelById("scans");
        turnScan(scans, link.getAttribute("data-scan-page"));
        if (scans && isTwo() && !scans.hidden) event.preventDefault();
      });
    });

    // Scrolling in step: the other pane keeps the counterpart of the first paragraph in view
    // level with it; beside the scan, the scan turns to that paragraph's page.
    function follow(panel) {
      var paneTop = panel.getBoundingClientRect().top;
      var first = toArray(panel.querySelectorAll(".para")).find(function (paragraph) {
        return paragraph.getBoundingClientRect().bottom > paneTop + 1;
      });
      var other = shown().find(function (candidate) { return candidate !== panel; });
      if (!first || !other) return;
      if (other.getAttribute("data-pane") === "scan") {
        turnScan(other, first.getAttribute("data-page"));
        return;
      }
      var keys = keysOf(first);
      var match = toArray(other.querySelectorAll(".para")).find(function (paragraph) {
        return keys.length && sharesKey(keys, paragraph);
      });
      if (!match) return;
      var offset = first.getBoundingClientRect().top - paneTop;
      var target = other.scrollTop + match.getBoundingClientRect().top -
        other.getBoundingClientRect().top - offset;
      if (Math.abs(other.scrollTop - target) < 1) return;
      followed = other;
      other.scrollTop = target;
    }

    panels.forEach(function (panel) {
      var pending = false;
      panel.addEventListener("scroll", function () {
        if (followed === panel) {
          followed = null;
          return;
        }
        if (!state.step || !isTwo() || pending) return;
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          follow(panel);
        });
      }, { passive: true });
    });

    // Links to a version or a paragraph -----------------------------------------------------

    function goToHash() {
      var panel = panelOfHash();
      if (!panel) return;
      if (panel.hidden && tablist && !isTwo()) select(panels.indexOf(panel), {});
      var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
      if (target.classList.contains("para")) {
        target.scrollIntoView({ block: "start" });
        target.focus({ preventScroll: true });
      } else if (tablist && !isTwo()) {
        tablist.scrollIntoView();
      }
    }

    window.addEventListener("hashchange", goToHash);
    layout();
    goToHash();
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
