// Live update: listen to /live/stream (server-sent events) for the page's scope; when the data
// version moves, fetch the page again and swap its <main> (no full reload, no library).
// Fallback when EventSource is missing or the stream keeps failing: poll /live every 2 s.
(function () {
  "use strict";
  var body = document.body;
  var version = body.getAttribute("data-version");
  if (version === null) { return; }
  var scope = body.getAttribute("data-live") || "";
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
  function seen(next) {
    if (next !== version) { version = next; swap(); }
  }
  function poll() {
    fetch("/live", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { seen(data.version); } })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 2000); });
  }
  if (!window.EventSource) { window.setTimeout(poll, 2000); return; }
  var failures = 0;
  var source = new EventSource("/live/stream" + (scope ? "?" + scope : ""));
  body.setAttribute("data-live-mode", "sse");
  source.addEventListener("version", function (e) { failures = 0; seen(e.data); });
  source.onerror = function () {
    // A stream ends every 30 s and reconnects by itself; many failures in a row mean a proxy
    // that buffers or blocks event streams: poll instead.
    failures += 1;
    if (failures >= 5) {
      source.close();
      body.setAttribute("data-live-mode", "poll");
      window.setTimeout(poll, 2000);
    }
  };
})();
