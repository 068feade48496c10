// Hearth's only hand-written script: send the CSRF token with every htmx request.
// htmx 4 renamed its events (htmx:config:request); the 2.x name is kept for safety.
(function () {
  function token() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : null;
  }
  function addHeader(evt) {
    var t = token();
    var ctx = evt.detail && (evt.detail.ctx || evt.detail);
    if (!t || !ctx) return;
    var req = ctx.request || ctx;
    if (req.headers && typeof req.headers.set === "function") req.headers.set("X-CSRF-Token", t);
    else if (req.headers) req.headers["X-CSRF-Token"] = t;
  }
  document.addEventListener("htmx:config:request", addHeader);
  document.addEventListener("htmx:configRequest", addHeader);
})();
