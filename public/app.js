// Centralino page behaviour, kept small and CSP-friendly (no inline scripts, no eval):
// the CSRF header on htmx requests, confirmations, copy buttons, and closing open menus.
(function () {
  "use strict";
  var csrf = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  // Every htmx request carries the CSRF token (forms also carry it as a hidden field for no-JS use), and the
  // page's live tab, so the server knows what this page's stream should receive (the conversation it opens).
  document.addEventListener("htmx:config:request", function (e) {
    var ctx = e.detail && e.detail.ctx;
    if (!ctx || !ctx.request || !ctx.request.headers) return;
    ctx.request.headers["X-CSRF-Token"] = csrf();
    var live = document.getElementById("live");
    var tab = live && live.getAttribute("data-tab");
    if (tab) ctx.request.headers["X-Live-Tab"] = tab;
  });

  // <form data-confirm="..."> asks before a destructive action.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var msg = form && form.getAttribute && form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  }, true);

  // <button data-copy="text"> copies to the clipboard and says so.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-copy]");
    if (!btn) return;
    var text = btn.getAttribute("data-copy");
    var done = function () {
      var old = btn.getAttribute("aria-label") || "";
      btn.classList.add("copied");
      btn.setAttribute("aria-label", "Copied");
      setTimeout(function () { btn.classList.remove("copied"); btn.setAttribute("aria-label", old); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done);
    else {
      var ta = document.createElement("textarea");
      ta.value = text;
      document.body.appendChild(ta);
      ta.select();
      try { document.execCommand("copy"); done(); } finally { ta.remove(); }
    }
  });

  // Clicking outside an open <details class="menu"> closes it; Escape closes too.
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.menu[open], details.mobile-nav[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll("details[open].menu, details[open].mobile-nav").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) s.focus();
    });
  });
})();
