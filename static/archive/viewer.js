/* The document page's scan viewer: reads the document's IIIF manifest and shows its
 * canvases one at a time with OpenSeadragon (static/vendor/openseadragon), deep-zooming
 * image scans through their level-0 IIIF image service.
 *
 * Without JavaScript (or if the manifest cannot be read) the page keeps its plain list of
 * scans. Every control is a labelled button; the image itself takes focus and answers
 * OpenSeadragon's keys (+/- zoom, arrows pan, 0 resets). A PDF page is zoomed from its
 * rendered image like any scan, with a link to that page of the PDF; a page the server did
 * not render offers only the link. A "dossier:page" event ({detail: {page: n}}) turns to
 * page n (from 1): the reader sends it as the text being read reaches another page.
 */
(function () {
  "use strict";

  function text(value) {
    if (!value) return "";
    var values = value.en || value.none || value[Object.keys(value)[0]] || [];
    return values.join(" ");
  }

  function canvasInfo(canvas) {
    var annotation = canvas.items && canvas.items[0] && canvas.items[0].items[0];
    var body = annotation && annotation.body;
    var service = body && body.service && body.service[0];
    var rendering = (canvas.rendering || [])[0];
    return {
      label: text(canvas.label),
      summary: text(canvas.summary),
      infoUrl: service ? service.id + "/info.json" : null,
      pdfUrl: rendering ? rendering.id : null,
    };
  }

  function button(label, action) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button iiif-button";
    element.textContent = label;
    element.dataset.action = action;
    return element;
  }

  function build(root, manifest) {
    var canvases = (manifest.items || []).map(canvasInfo);
    if (!canvases.length) return;

    var controls = document.createElement("div");
    controls.className = "iiif-controls";
    controls.setAttribute("role", "group");
    controls.setAttribute("aria-label", "Scan viewer controls");
    var previous = button("Previous page", "previous");
    var next = button("Next page", "next");
    var zoomIn = button("Zoom in", "zoom-in");
    var zoomOut = button("Zoom out", "zoom-out");
    var reset = button("Fit to view", "reset");
    [previous, next, zoomIn, zoomOut, reset].forEach(function (b) { controls.appendChild(b); });

    var status = document.createElement("p");
    status.className = "iiif-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var stage = document.createElement("div");
    stage.className = "iiif-stage";
    stage.id = "iiif-stage";

    var pdfNote = document.createElement("p");
    pdfNote.className = "iiif-pdf-note";
    pdfNote.hidden = true;
    var pdfLink = document.createElement("p");
    pdfLink.className = "iiif-pdf-link";
    pdfLink.hidden = true;

    root.appendChild(controls);
    root.appendChild(status);
    root.appendChild(stage);
    root.appendChild(pdfNote);
    root.appendChild(pdfLink);
    root.hidden = false;

    var viewer = window.OpenSeadragon({
      element: stage,
      showNavigationControl: false,
      showSequenceControl: false,
      preserveViewport: false,
      visibilityRatio: 1,
      minZoomImageRatio: 0.8,
      maxZoomPixelRatio: 2,
      gestureSettingsMouse: { clickToZoom: false },
    });
    var current = -1;

    function labelImage(info) {
      var focusable = viewer.canvas;
      focusable.setAttribute("role", "img");
      focusable.setAttribute(
        "aria-label",
        (info.summary || info.label) + ". Zoomable image: + and - zoom, arrow keys move, 0 fits."
      );
    }

    function show(index) {
      if (index < 0 || index >= canvases.length || index === current) return;
      current = index;
      var info = canvases[index];
      status.textContent = "Page " + (index + 1) + " of " + canvases.length + ": " + info.label;
      previous.disabled = index === 0;
      next.disabled = index === canvases.length - 1;
      var zoomable = Boolean(info.infoUrl);
      zoomIn.disabled = zoomOut.disabled = reset.disabled = !zoomable;
      stage.hidden = !zoomable;
      pdfNote.hidden = zoomable;
      root.dataset.page = String(index + 1);
      delete root.dataset.state;
      pdfLink.hidden = !(zoomable && info.pdfUrl);
      pdfLink.textContent = "";
      if (zoomable && info.pdfUrl) {
        var pageLink = document.createElement("a");
        pageLink.href = info.pdfUrl;
        pageLink.textContent = "Open " + info.label + " in the PDF";
        pdfLink.appendChild(pageLink);
      }
      if (zoomable) {
        viewer.open(info.infoUrl);
        labelImage(info);
      } else {
        viewer.close();
        pdfNote.textContent = "This page is part of a PDF, which the viewer cannot zoom: ";
        var link = document.createElement("a");
        link.href = info.pdfUrl;
        link.textContent = "open " + info.label + " as PDF";
        pdfNote.appendChild(link);
        pdfNote.appendChild(document.createTextNode("."));
      }
    }

    viewer.addHandler("open", function () { root.dataset.state = "open"; });
    viewer.addHandler("zoom", function (event) { root.dataset.zoom = String(event.zoom); });

    controls.addEventListener("click", function (event) {
      var action = event.target.dataset && event.target.dataset.action;
      if (action === "previous") show(current - 1);
      else if (action === "next") show(current + 1);
      else if (action === "zoom-in") viewer.viewport.zoomBy(1.5).applyConstraints();
      else if (action === "zoom-out") viewer.viewport.zoomBy(1 / 1.5).applyConstraints();
      else if (action === "reset") viewer.viewport.goHome();
    });

    // The reader (static/archive/reader.js) turns the page to follow the text being read.
    root.addEventListener("dossier:page", function (event) { show(event.detail.page - 1); });
    var first = Number(root.dataset.requestedPage || 1) - 1;
    show(first >= 0 && first < canvases.length ? first : 0);
    var section = root.closest(".reader-panel") || root.parentNode;
    section.classList.add("iiif-ready");
  }

  function setUp(root) {
    if (!window.OpenSeadragon || !window.fetch) return;
    // A page asked for before the manifest arrives is the one shown first.
    root.addEventListener("dossier:page", function (event) {
      root.dataset.requestedPage = String(event.detail.page);
    });
    fetch(root.dataset.manifest, { headers: { Accept: "application/ld+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("manifest " + response.status);
        return response.json();
      })
      .then(function (manifest) { build(root, manifest); })
      .catch(function () { /* the plain list of scans stays */ });
  }

  document.querySelectorAll("[data-iiif-viewer]").forEach(setUp);
})();
