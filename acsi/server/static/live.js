// Live update: poll /live every 2 s; when the data version of the viewer's scope moves,
// fetch the page again and swap its <main> (no full reload, no library).
(function () {
  "use strict";
  var body = document.body;
  var version = body.getAttribute("data-version");
  if (version === null) { return; }
  function swap() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        if (fresh) { document.querySelector("main").replaceWith(fresh); }
        var stamp = document.getElementById("live-status");
        if (stamp) { stamp.textContent = "updated " + new Date().toLocaleTimeString(); }
      });
  }
  function poll() {
    fetch("/live", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.version !== version) { version = data.version; swap(); }
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
