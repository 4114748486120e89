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
    function fill() {
      var current = subcategory.value;
      while (subcategory.options.length) { subcategory.remove(0); }
      subcategory.add(new Option(placeholder, ""));
      (map[category.value] || []).forEach(function (item) {
        var option = new Option(item[1], String(item[0]));
        if (String(item[0]) === current) { option.selected = true; }
        subcategory.add(option);
      });
    }
    category.addEventListener("change", fill);
    /* A category chosen before this deferred script ran (a quick hand, or the browser
       restoring the form on "back") fired its change with no one listening. */
    if (category.value) { fill(); }
  }

  /* A subcategory that asks for a photo marks the files field required at once (the
     server checks it again on sending). */
  function markPhotoRequired(form) {
    var dataNode = document.getElementById("subcategory-map");
    var subcategory = form.querySelector("select[name=subcategory]");
    var mark = form.querySelector("[data-photo-mark]");
    var input = form.querySelector("input[type=file][name=files]");
    if (!dataNode || !subcategory || !mark) { return; }
    var map = JSON.parse(dataNode.textContent);
    var needsPhoto = {};
    Object.keys(map).forEach(function (category) {
      map[category].forEach(function (item) { needsPhoto[String(item[0])] = !!item[2]; });
    });
    function update() {
      var required = !!needsPhoto[subcategory.value];
      mark.hidden = !required;
      if (input) {
        if (required) { input.setAttribute("aria-required", "true"); }
        else { input.removeAttribute("aria-required"); }
      }
    }
    subcategory.addEventListener("change", update);
    var category = form.querySelector("select[name=category]");
    if (category) { category.addEventListener("change", update); }
    update();
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

  /* The page's file rules checked before sending: a too large choice would be refused
     unread by the server, and the browser would not keep what was typed. */
  function guardFileLimits(form) {
    var input = form.querySelector("input[type=file][data-max-files]");
    if (!input) { return; }
    var message = document.createElement("p");
    message.className = "errors";
    message.id = input.id + "_limit";
    message.setAttribute("role", "alert");
    message.hidden = true;
    input.insertAdjacentElement("afterend", message);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + message.id);

    function problem() {
      var kept = form.querySelectorAll("input[name=keep_files]:checked").length;
      if (input.files.length + kept > Number(input.dataset.maxFiles)) {
        return input.dataset.tooMany;
      }
      for (var i = 0; i < input.files.length; i++) {
        if (input.files[i].size > Number(input.dataset.maxSize)) {
          return input.dataset.tooLarge.replace("{name}", input.files[i].name);
        }
      }
      return "";
    }
    function check() {
      var text = problem();
      message.textContent = text;
      message.hidden = !text;
      if (text) { input.setAttribute("aria-invalid", "true"); }
      return !text;
    }
    input.addEventListener("change", check);
    form.addEventListener("submit", function (event) {
      if (!check()) { event.preventDefault(); input.focus(); }
    });
  }

  /* One click sends one message: the idempotency key guards the server, this the UI. */
  function guardDoubleSubmit(form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (event.defaultPrevented) { return; }
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
      /* The body's own height: the document's scrollHeight never drops below the
         frame's current height, so the frame could grow but never shrink. */
      var body = document.body;
      var style = window.getComputedStyle(body);
      var height = body.getBoundingClientRect().height + parseFloat(style.marginTop) +
        parseFloat(style.marginBottom);
      window.parent.postMessage({ type: "pos-widget:height", height: height,
        confirmation: !!document.querySelector(".confirmation") }, "*");
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
      markPhotoRequired(form);
      enhanceLocation(form);
      guardFileLimits(form);
      guardDoubleSubmit(form);
    });
    focusErrors();
    reportHeight();
    /* Marks the page as enhanced: its key handlers and frame messages are in place. */
    document.documentElement.setAttribute("data-enhanced", "");
  });
})();
