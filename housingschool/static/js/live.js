/* Live class mode, as progressive enhancement (the pages work without it).
   Every 1.5 s it asks the page's state endpoint (data-live-state) whether the class moved on
   (data-live-version). The phones then reload; the projector swaps in the new page without
   leaving full screen, and keeps its "answered" count up to date in place. */
(function () {
  "use strict";
  var INTERVAL = 1500;
  var KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous" };
  var root = null;

  function enhance() {
    root = document.querySelector("[data-live-state]");
    document.querySelectorAll("[data-live-fullscreen]").forEach(function (button) {
      button.hidden = !document.fullscreenEnabled;
    });
  }

  function swapIn(html, url, focusOn) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var main = document.querySelector("main");
    var next = fresh.querySelector("main");
    if (!main || !next) { window.location.assign(url); return; }
    main.replaceChildren.apply(main, Array.from(next.childNodes).map(function (node) {
      return document.adoptNode(node);
    }));
    document.title = fresh.title;
    if (url !== window.location.href) { window.history.replaceState(null, "", url); }
    enhance();
    var target = focusOn && main.querySelector(focusOn);
    (target || main).focus();
  }

  function load(url, options, focusOn) {
    return fetch(url, Object.assign({ credentials: "same-origin" }, options)).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text().then(function (html) { swapIn(html, response.url, focusOn); });
    });
  }

  function changed() {
    if (root.hasAttribute("data-live-swap")) {
      return load(window.location.href, { cache: "no-store" }).catch(function () {
        window.location.reload();
      });
    }
    window.location.reload();
    return null;
  }

  function show(state) {
    root.querySelectorAll("[data-live-field]").forEach(function (element) {
      var value = state[element.getAttribute("data-live-field")];
      if (value !== undefined && element.textContent !== String(value)) {
        element.textContent = value;
      }
    });
  }

  function poll() {
    if (!root || document.hidden) { return Promise.resolve(); }
    return fetch(root.getAttribute("data-live-state"), {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (state) {
      if (!state) { return null; }
      if (state.version !== root.getAttribute("data-live-version")) { return changed(); }
      show(state);
      return null;
    }).catch(function () { return null; });
  }

  function loop() {
    poll().then(function () { window.setTimeout(loop, INTERVAL); });
  }

  /* The projector's buttons post in the background, so full screen stays on. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.closest("[data-live-swap]")) { return; }
    event.preventDefault();
    var key = event.submitter && event.submitter.getAttribute("data-live-key");
    var focusOn = key ? '[data-live-key="' + key + '"]:enabled'
      : 'form[action="' + form.getAttribute("action") + '"] button:enabled';
    load(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)) }, focusOn)
      .catch(function () { form.submit(); });
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-live-fullscreen]")) { return; }
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else { document.documentElement.requestFullscreen(); }
  });

  /* Presenter remotes send Page Down and Page Up; arrow keys work too. */
  document.addEventListener("keydown", function (event) {
    var key = KEYS[event.key];
    if (!key || !root || !root.hasAttribute("data-live-swap") || event.altKey || event.ctrlKey ||
        event.metaKey || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) { return; }
    var button = root.querySelector('[data-live-key="' + key + '"]:enabled');
    if (button) { event.preventDefault(); button.click(); }
  });

  enhance();
  window.setTimeout(loop, INTERVAL);
})();
