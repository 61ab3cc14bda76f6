// The simulator's phone page, kept small and CSP-friendly: keep the chat scrolled to the newest message,
// clear the composer after a send, tell the server when business messages are on screen (so they turn
// "read"), and open another number when the picker changes.
(function () {
  "use strict";
  var csrf = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };
  var phone = document.querySelector("[data-sim-phone]");

  var bottom = function () {
    var t = phone && phone.querySelector(".sim-thread");
    if (t) t.scrollTop = t.scrollHeight;
  };

  // Business messages shown but not yet read: say so once the page is visible (a hidden tab has not "seen" them).
  var seen = function () {
    if (!phone || document.visibilityState !== "visible") return;
    if (!phone.querySelector(".sim-theirs .sim-ticks-sent, .sim-theirs .sim-ticks-delivered")) return;
    var body = new URLSearchParams({ number: phone.getAttribute("data-number"), customer: phone.getAttribute("data-customer") });
    fetch("/simulator/seen", { method: "POST", headers: { "X-CSRF-Token": csrf() }, body: body, credentials: "same-origin" });
  };

  if (phone) {
    bottom();
    new MutationObserver(function () { bottom(); seen(); }).observe(phone, { childList: true, subtree: true });
    document.addEventListener("visibilitychange", seen);
  }

  // A successful send empties the form; a refused one keeps what was typed.
  document.addEventListener("htmx:after:swap", function (e) {
    var form = e.target;
    if (!form || !form.matches || !form.matches("form[data-sim-reset]")) return;
    var ctx = e.detail && e.detail.ctx;
    var status = ctx && ctx.response && ctx.response.status;
    if (status && status >= 400) return;
    form.reset();
    var input = form.querySelector('input[type="text"]');
    if (input) input.focus();
  });

  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("[data-sim-autosubmit]") && el.form) el.form.submit();
  });
})();
