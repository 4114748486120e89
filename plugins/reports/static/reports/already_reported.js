/* "Already reported": when the subcategory, territory and address are filled in, ask this
   site which open messages are about the same problem at the same place, and show them
   above the send button. The form works the same without this file. */
(function () {
  "use strict";

  function enhance(box) {
    var form = box.closest("form");
    if (!form || !window.fetch) { return; }
    var fields = ["subcategory", "territory", "address", "text"];
    var timer = null;
    var last = "";

    function value(name) {
      var control = form.querySelector("[name=" + name + "]");
      return control ? control.value.trim() : "";
    }

    function check() {
      var query = new URLSearchParams();
      fields.forEach(function (name) { query.set(name, value(name).slice(0, name === "text" ? 300 : 500)); });
      if (!query.get("subcategory") || !query.get("territory") || !query.get("address")) {
        box.textContent = "";
        last = "";
        return;
      }
      var url = box.getAttribute("data-url") + "?" + query.toString();
      if (url === last) { return; }
      last = url;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (url === last) { box.innerHTML = html; } })
        .catch(function () { /* no notice: the form still works */ });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 400);
    }

    fields.forEach(function (name) {
      var control = form.querySelector("[name=" + name + "]");
      if (!control) { return; }
      control.addEventListener("change", later);
      if (name === "address") { control.addEventListener("input", later); }
    });
    var category = form.querySelector("[name=category]");
    if (category) { category.addEventListener("change", later); }
  }

  function start() {
    document.querySelectorAll("[data-already-reported]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
