/* A small formatting editor for Dossier's rich-text fields.
 *
 * Each <textarea data-richtext> gets a toolbar and an editable area; the
 * textarea keeps the HTML and is what the form submits. Only the markup the
 * server keeps is offered: paragraphs, headings, emphasis, lists, quotes, links.
 */
(function () {
  "use strict";

  const BUTTONS = [
    { label: "Paragraph", command: "formatBlock", value: "p" },
    { label: "Heading", command: "formatBlock", value: "h3" },
    { label: "Bold", command: "bold", key: "b" },
    { label: "Italic", command: "italic", key: "i" },
    { label: "Bulleted list", command: "insertUnorderedList" },
    { label: "Numbered list", command: "insertOrderedList" },
    { label: "Quote", command: "formatBlock", value: "blockquote" },
    { label: "Link", command: "createLink", prompt: "Link address (https://…)" },
    { label: "Remove link", command: "unlink" },
    // A redaction in the original, kept as <span data-redacted="…">[redacted: …]</span>.
    { label: "Redaction", redaction: true, prompt: "How much is redacted? (e.g. 2 lines)" },
  ];

  // Inserted through the DOM, not execCommand("insertHTML"): Chromium would add inline
  // styles to it, which the site's Content-Security-Policy refuses.
  function insertRedaction(editor, extent) {
    const span = document.createElement("span");
    span.dataset.redacted = extent;
    span.textContent = extent ? `[redacted: ${extent}]` : "[redacted]";
    const after = document.createTextNode("\u00a0");
    const selection = window.getSelection();
    let range = selection.rangeCount ? selection.getRangeAt(0) : null;
    if (!range || !editor.contains(range.commonAncestorContainer)) {
      range = document.createRange();
      range.selectNodeContents(editor.lastElementChild || editor);
      range.collapse(false);
    }
    range.deleteContents();
    range.insertNode(after);
    range.insertNode(span);
    range.setStartAfter(after);
    range.collapse(true);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function enhance(textarea) {
    if (textarea.dataset.richtextReady) return;
    textarea.dataset.richtextReady = "true";

    const wrapper = document.createElement("div");
    wrapper.className = "richtext";
    const toolbar = document.createElement("div");
    toolbar.className = "richtext-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    const editor = document.createElement("div");
    editor.className = "richtext-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    const label = document.querySelector(`label[for="${textarea.id}"]`);
    if (label) editor.setAttribute("aria-label", label.textContent.replace(/:$/, ""));
    // Start from a paragraph so the first words typed are not bare text.
    editor.innerHTML = textarea.value.trim() || "<p><br></p>";

    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.textContent = "HTML";
    toggle.setAttribute("aria-pressed", "false");

    BUTTONS.forEach(function (spec) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = spec.label;
      button.addEventListener("click", function () {
        editor.focus();
        let value = spec.value || null;
        if (spec.redaction) {
          const extent = window.prompt(spec.prompt, "");
          if (extent === null) return;
          insertRedaction(editor, extent.trim());
          sync();
          return;
        }
        if (spec.prompt) {
          value = window.prompt(spec.prompt, "https://");
          if (!value) return;
        }
        document.execCommand(spec.command, false, value);
        sync();
      });
      toolbar.appendChild(button);
    });
    toolbar.appendChild(toggle);

    function sync() {
      // An editor with nothing typed in it submits nothing, not an empty paragraph.
      textarea.value = editor.textContent.trim() ? editor.innerHTML : "";
    }

    toggle.addEventListener("click", function () {
      const showingSource = textarea.style.display !== "none";
      if (showingSource) {
        editor.innerHTML = textarea.value.trim() || "<p><br></p>";
      } else {
        sync();
      }
      textarea.style.display = showingSource ? "none" : "";
      editor.style.display = showingSource ? "" : "none";
      toggle.setAttribute("aria-pressed", String(!showingSource));
    });

    editor.addEventListener("input", sync);
    editor.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey)) return;
      const spec = BUTTONS.find((b) => b.key === event.key.toLowerCase());
      if (spec) {
        event.preventDefault();
        document.execCommand(spec.command);
        sync();
      }
    });

    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(toolbar);
    wrapper.appendChild(editor);
    wrapper.appendChild(textarea);
    textarea.style.display = "none";
    document.execCommand("defaultParagraphSeparator", false, "p");
  }

  function enhanceAll(root) {
    root.querySelectorAll("textarea[data-richtext]").forEach(function (textarea) {
      // The admin's empty inline template is copied when a row is added; skip it.
      if (!textarea.name.includes("__prefix__")) enhance(textarea);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceAll(document);
  });
  document.addEventListener("formset:added", function (event) {
    enhanceAll(event.target);
  });
})();
