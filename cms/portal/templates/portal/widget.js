{% load i18n %}/* ПОС widget: a button that opens the message form in an overlay. Served by the platform. */
(function () {
  "use strict";
  if (window.PosWidget) { return; }
  /* Russian by default; English when the host asks for it: data-lang="en" on the script
     tag, or <html lang="en">. The frame is told through its address (?lang=en). */
  var TEXTS = {
    ru: {% language "ru" %}{
      button: "{{ _('Report a problem')|escapejs }}",
      close: "{{ _('Close')|escapejs }}",
      title: "{{ _('Message form')|escapejs }}"
    }{% endlanguage %},
    en: {% language "en" %}{
      button: "{{ _('Report a problem')|escapejs }}",
      close: "{{ _('Close')|escapejs }}",
      title: "{{ _('Message form')|escapejs }}"
    }{% endlanguage %}
  };
  var SCRIPT = document.currentScript;
  var LANG = (function () {
    var asked = (SCRIPT && SCRIPT.getAttribute("data-lang")) || document.documentElement.lang || "";
    return asked.toLowerCase().indexOf("en") === 0 ? "en" : "ru";
  })();
  var TEXT = TEXTS[LANG];
  var state = { overlay: null, frame: null, opener: null, origin: null };

  function frameUrl(formUrl, organisationId) {
    return formUrl.replace(/\/?$/, "/") + encodeURIComponent(String(organisationId)) + "/" +
      (LANG === "en" ? "?lang=en" : "");
  }

  function style(element, rules) {
    for (var key in rules) { element.style[key] = rules[key]; }
  }

  function close() {
    if (!state.overlay) { return; }
    state.overlay.parentNode.removeChild(state.overlay);
    document.removeEventListener("keydown", onKey);
    state.overlay = state.frame = null;
    if (state.opener) { state.opener.focus(); }
  }

  function onKey(event) {
    if (event.key === "Escape") { close(); }
  }

  function onMessage(event) {
    if (!state.frame || event.source !== state.frame.contentWindow) { return; }
    if (event.origin !== state.origin) { return; }
    var data = event.data || {};
    if (data.type === "pos-widget:height" && typeof data.height === "number") {
      state.frame.style.height = Math.max(200, Math.ceil(data.height)) + "px";
      /* After sending, the short confirmation is brought to the top of the overlay
         instead of leaving the citizen below it, on blank space. */
      if (data.confirmation) {
        state.overlay.scrollTop = 0;
        state.frame.scrollIntoView({ block: "start" });
      }
    } else if (data.type === "pos-widget:close") {
      close();
    }
  }

  function open(formUrl, organisationId) {
    close();
    state.opener = document.activeElement;
    var url = frameUrl(formUrl, organisationId);
    state.origin = new URL(url, window.location.href).origin;
    var overlay = document.createElement("div");
    overlay.setAttribute("data-pos-widget", "overlay");
    style(overlay, { position: "fixed", inset: "0", background: "rgba(0,0,0,0.6)",
      zIndex: "2147483000", overflowY: "auto", padding: "16px 8px" });
    var dialog = document.createElement("div");
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-label", TEXT.title);
    style(dialog, { maxWidth: "720px", margin: "0 auto", background: "#fff",
      borderRadius: "6px", position: "relative" });
    var closeButton = document.createElement("button");
    closeButton.type = "button";
    closeButton.textContent = "\u00d7";
    closeButton.setAttribute("aria-label", TEXT.close);
    style(closeButton, { position: "absolute", top: "4px", right: "4px", width: "44px",
      height: "44px", fontSize: "28px", border: "0", background: "#fff", color: "#1a1a1a",
      cursor: "pointer" });
    closeButton.addEventListener("click", close);
    var frame = document.createElement("iframe");
    frame.src = url;
    frame.title = TEXT.title;
    frame.setAttribute("data-pos-widget", "frame");
    style(frame, { display: "block", width: "100%", height: "600px", border: "0" });
    dialog.appendChild(closeButton);
    dialog.appendChild(frame);
    overlay.appendChild(dialog);
    overlay.addEventListener("click", function (event) {
      if (event.target === overlay) { close(); }
    });
    document.body.appendChild(overlay);
    document.addEventListener("keydown", onKey);
    state.overlay = overlay;
    state.frame = frame;
    closeButton.focus();
  }

  function init(formUrl, organisationId, options) {
    var anchor = document.currentScript || SCRIPT;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = (options && options.label) || TEXT.button;
    button.setAttribute("data-pos-widget", "open");
    style(button, { padding: "12px 20px", fontSize: "16px", background: "#0b4f9c",
      color: "#fff", border: "0", borderRadius: "4px", cursor: "pointer" });
    button.addEventListener("click", function () { open(formUrl, organisationId); });
    if (anchor && anchor.parentNode && anchor.parentNode !== document.head) {
      anchor.parentNode.insertBefore(button, anchor.nextSibling);
    } else {
      document.body.appendChild(button);
    }
    return button;
  }

  window.addEventListener("message", onMessage);
  window.PosWidget = { init: init, open: open, close: close };
})();
