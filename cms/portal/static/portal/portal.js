/* Progressive enhancements of the portal's pages. Everything works without this file. */
(function () {
  "use strict";

  /* Subcategories follow the chosen category at once (the server does the same on
     "show subcategories" when there is no script). */
  function enhanceCategories(form) {
    var dataNode = document.getElementById("subcategory-map");
    var category = form.querySelector("select[name=category]");
    var subcategory = form.querySelector("select[name=subcategory]");
    if (!dataNode || !category || !subcategory) { return; }
    var map = JSON.parse(dataNode.textContent);
    var placeholder = subcategory.options.length ? subcategory.options[0].text : "";
    var refresh = form.querySelector("[data-refresh]");
    if (refresh) { refresh.hidden = true; }
    category.addEventListener("change", function () {
      var current = subcategory.value;
      while (subcategory.options.length) { subcategory.remove(0); }
      subcategory.add(new Option(placeholder, ""));
      (map[category.value] || []).forEach(function (item) {
        var option = new Option(item[1], String(item[0]));
        if (String(item[0]) === current) { option.selected = true; }
        subcategory.add(option);
      });
    });
  }

  function enhanceLocation(form) {
    var button = form.querySelector("[data-locate]");
    if (!button || !navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
        form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
      });
    });
  }

  /* One click sends one message: the idempotency key guards the server, this the UI. */
  function guardDoubleSubmit(form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "refresh") { return; }
      if (form.dataset.sending) { event.preventDefault(); return; }
      form.dataset.sending = "1";
    });
  }

  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  /* Inside the widget's frame: tell the host page how tall the content is. */
  function reportHeight() {
    if (window.parent === window) { return; }
    var send = function () {
      var height = document.documentElement.scrollHeight;
      window.parent.postMessage({ type: "pos-widget:height", height: height }, "*");
    };
    send();
    /* Escape closes the overlay even while the focus is inside the frame. */
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        window.parent.postMessage({ type: "pos-widget:close" }, "*");
      }
    });
    if (window.ResizeObserver) { new ResizeObserver(send).observe(document.body); }
    window.addEventListener("load", send);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-appeal-form]").forEach(function (form) {
      enhanceCategories(form);
      enhanceLocation(form);
      guardDoubleSubmit(form);
    });
    focusErrors();
    reportHeight();
  });
})();
