// Hearth's only hand-written script. Pages work without it; it adds: the CSRF header on htmx
// requests, copy buttons, closing the playground's session when its page is left, and the log
// tail's pause and filter. No inline handlers anywhere: the CSP allows scripts from 'self' only.
(function () {
  "use strict";

  function csrfToken() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : null;
  }

  // htmx 4 names this event htmx:config:request and passes the request in detail.ctx.
  document.addEventListener("htmx:config:request", function (evt) {
    var t = csrfToken();
    var ctx = evt.detail && evt.detail.ctx;
    if (t && ctx && ctx.request && ctx.request.headers) ctx.request.headers["X-CSRF-Token"] = t;
  });

  // Copy buttons: hidden in the markup, shown once there is a script to run them.
  function textOf(el) {
    return el.value !== undefined && (el.tagName === "INPUT" || el.tagName === "TEXTAREA") ? el.value : el.textContent;
  }
  function showCopyButtons(root) {
    root.querySelectorAll("button.copy[hidden]").forEach(function (b) {
      b.hidden = false;
    });
  }
  document.addEventListener("click", function (evt) {
    var b = evt.target.closest && evt.target.closest("button.copy");
    if (!b) return;
    var el = document.getElementById(b.getAttribute("data-copy"));
    if (!el) return;
    var done = function (ok) {
      var label = b.textContent;
      b.textContent = ok ? "Copied" : "Press Ctrl+C";
      setTimeout(function () {
        b.textContent = label;
      }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(textOf(el)).then(function () { done(true); }, function () { done(false); });
    } else {
      // Plain-http origins have no clipboard API: select the text so the user can copy it.
      var range = document.createRange();
      range.selectNodeContents(el);
      if (el.select) el.select();
      else {
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }
      done(document.execCommand && document.execCommand("copy"));
    }
  });

  // The playground holds a server session for this page visit: end it when the page goes away.
  function closePlayground() {
    var form = document.querySelector("form[data-playground-close]");
    if (!form || form.dataset.closed) return;
    form.dataset.closed = "1";
    var body = new FormData();
    body.set("pg", form.querySelector('input[name="pg"]').value);
    body.set("_csrf", form.querySelector('input[name="_csrf"]').value);
    navigator.sendBeacon(form.getAttribute("data-playground-close"), body);
  }
  window.addEventListener("pagehide", function (evt) {
    // A page kept in the back-forward cache may come back: keep its session then (it idles out otherwise).
    if (!evt.persisted) closePlayground();
  });

  // The playground's tool list marks the chosen tool (htmx swaps only the form).
  document.addEventListener("click", function (evt) {
    var a = evt.target.closest && evt.target.closest(".tool-list a");
    if (!a) return;
    a.closest(".tool-list").querySelectorAll("a[aria-current]").forEach(function (x) {
      x.removeAttribute("aria-current");
    });
    a.setAttribute("aria-current", "true");
  });

  // Log tail: pause buffers lines, the filter hides lines without the text, old lines are dropped.
  function logFilterText(list) {
    var input = document.querySelector('input[data-log-filter="#' + list.id + '"]');
    return input ? input.value.trim().toLowerCase() : "";
  }
  function applyFilter(list, items) {
    var q = logFilterText(list);
    Array.prototype.forEach.call(items || list.children, function (li) {
      li.hidden = q !== "" && li.textContent.toLowerCase().indexOf(q) < 0;
    });
  }
  function trim(list) {
    var max = Number(list.getAttribute("data-max-lines")) || 2000;
    while (list.children.length > max) list.removeChild(list.firstElementChild);
  }
  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
  }
  var buffered = new WeakMap();
  function setupLogs(root) {
    root.querySelectorAll("button[data-log-pause]").forEach(function (b) {
      b.hidden = false;
    });
    root.querySelectorAll("input[data-log-filter]").forEach(function (input) {
      var list = document.querySelector(input.getAttribute("data-log-filter"));
      if (!list || input.dataset.wired) return;
      input.dataset.wired = "1";
      input.addEventListener("input", function () { applyFilter(list); });
      applyFilter(list);
    });
  }
  document.addEventListener("click", function (evt) {
    var b = evt.target.closest && evt.target.closest("button[data-log-pause]");
    if (!b) return;
    var list = document.querySelector(b.getAttribute("data-log-pause"));
    if (!list) return;
    var paused = list.dataset.paused === "1";
    var status = document.getElementById("log-status");
    if (paused) {
      list.dataset.paused = "";
      b.textContent = "Pause";
      b.setAttribute("aria-pressed", "false");
      var held = buffered.get(list) || [];
      buffered.set(list, []);
      held.forEach(function (html) { list.insertAdjacentHTML("beforeend", html); });
      applyFilter(list);
      trim(list);
      if (status) status.textContent = "Following live.";
    } else {
      list.dataset.paused = "1";
      b.textContent = "Resume";
      b.setAttribute("aria-pressed", "true");
      if (status) status.textContent = "Paused: new lines are held until you resume.";
    }
  });
  document.addEventListener("htmx:sse:before:message", function (evt) {
    var list = evt.target;
    if (!list || !list.classList || !list.classList.contains("log")) return;
    var d = evt.detail;
    if (list.dataset.paused === "1" && d.message && !d.message.event) {
      var held = buffered.get(list) || [];
      held.push(d.message.data);
      if (held.length > 5000) held.shift();
      buffered.set(list, held);
      var status = document.getElementById("log-status");
      if (status) status.textContent = "Paused: " + held.length + " new lines held.";
      d.cancelled = true;
      return;
    }
    list.dataset.stick = nearBottom() ? "1" : "";
  });
  document.addEventListener("htmx:sse:after:message", function (evt) {
    var list = evt.target;
    if (!list || !list.classList || !list.classList.contains("log")) return;
    var empty = document.querySelector(".log-empty");
    if (empty) empty.remove();
    if (list.lastElementChild) applyFilter(list, [list.lastElementChild]);
    trim(list);
    if (list.dataset.stick === "1") window.scrollTo(0, document.body.scrollHeight);
  });

  function init(root) {
    showCopyButtons(root);
    setupLogs(root);
  }
  document.addEventListener("htmx:after:process", function (evt) {
    if (evt.target && evt.target.querySelectorAll) init(evt.target);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
