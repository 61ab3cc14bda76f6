// The inbox page's behaviour (CSP-friendly: no inline scripts, no eval). The server renders every piece;
// this file only places live pieces (rows, timeline items) arriving in #inbox-feed, ticks the 24-hour window
// countdowns, keeps the tab title's unread count, sends the presence heartbeat, and adds the composer's
// keys, suggestions and emoji, browser notifications and the keyboard shortcuts.
(function () {
  "use strict";
  var inbox = document.getElementById("inbox");
  if (!inbox) return;

  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var csrf = function () { var m = $('meta[name="csrf-token"]'); return m ? m.getAttribute("content") : ""; };
  var process = function (el) { if (window.htmx) window.htmx.process(el); };
  var list = function () { return document.getElementById("conv-list"); };
  var thread = function () { return $(".thread"); };
  var openId = function () { var c = document.getElementById("conv-view"); return c ? c.getAttribute("data-conversation") : null; };

  // ---- The conversation list: does a live row belong to the list on screen, and where? (mirrors the SQL)
  function belongs(row, l) {
    var r = row.dataset, f = l.dataset;
    if (f.status !== "all" && r.status !== f.status) return false;
    if (f.number && r.number !== f.number) return false;
    if (f.tag) {
      var tags = JSON.parse(r.tags || "[]").map(function (t) { return String(t).toLowerCase(); });
      if (tags.indexOf(f.tag.toLowerCase()) < 0) return false;
    }
    if (f.assignee !== "" && (f.assignee === "0" ? r.assignee !== "" : r.assignee !== f.assignee)) return false;
    if (f.view === "mine") return r.assignee !== "" && r.assignee === f.me;
    if (f.view === "unassigned") return r.assignee === "";
    if (f.view === "waiting") return r.unanswered === "1";
    if (f.view === "team") {
      var teams = JSON.parse(f.teams || "[]"), numbers = JSON.parse(f.teamNumbers || "[]");
      return r.team !== "" ? teams.indexOf(Number(r.team)) >= 0 : numbers.indexOf(Number(r.number)) >= 0;
    }
    return true;
  }

  // Sort keys as the server orders: newest activity first, or longest waiting first (queue order for unassigned).
  function before(a, b, l) {
    var id = function (x) { return Number(x.id.slice(5)); };
    if (l.dataset.sort === "recent") {
      var ra = Number(a.dataset.recent), rb = Number(b.dataset.recent);
      return ra !== rb ? ra > rb : id(a) > id(b);
    }
    var k = l.dataset.view === "unassigned" ? "qwait" : "wait";
    var wa = Number(a.dataset[k]), wb = Number(b.dataset[k]);
    return wa !== wb ? wa < wb : id(a) < id(b);
  }

  function placeRow(row) {
    var l = list();
    if (!l) return;
    var old = document.getElementById(row.id);
    var wasActive = old && old.classList.contains("conv-active");
    if (old) old.remove();
    if (!belongs(row, l)) return;
    var search = l.dataset.search;
    $$("a.conv-link", row).forEach(function (a) {
      var href = a.getAttribute("href").split("?")[0] + (search ? "?" + search : "");
      a.setAttribute("href", href);
      a.setAttribute("hx-get", href);
    });
    var rows = $$("li.conv-row", l);
    var next = null;
    for (var i = 0; i < rows.length; i++) if (before(row, rows[i], l)) { next = rows[i]; break; }
    var more = document.getElementById("conv-more");
    // A row that sorts after everything shown belongs to a later page when there is one.
    if (!next && more) return;
    var empty = document.getElementById("conv-empty");
    if (empty) empty.remove();
    l.insertBefore(row, next || more || null);
    if (wasActive) row.classList.add("conv-active");
    process(row);
  }

  // ---- Timeline items: replace by id, else append (a sent message arrives both in the answer and over SSE).
  function nearBottom(t) { return t && t.scrollHeight - t.scrollTop - t.clientHeight < 120; }

  function placeItem(el, into) {
    var old = el.id && document.getElementById(el.id);
    if (old) { old.replaceWith(el); process(el); return; }
    var container = $(into);
    if (!container) return;
    container.appendChild(el);
    process(el);
  }

  function dedupeDays(t) {
    var seen = {};
    $$(".day-sep", t).forEach(function (d) {
      var k = d.getAttribute("data-day");
      if (seen[k]) d.remove(); else seen[k] = true;
    });
  }

  // New customer messages landing in the conversation on screen are read by whoever looks at it.
  var readSoon = null;
  function seen(el) {
    var id = openId();
    if (!id || el.getAttribute("data-dir") !== "in" || document.visibilityState !== "visible" || !el.closest("#thread-" + id)) return;
    clearTimeout(readSoon);
    readSoon = setTimeout(function () {
      fetch("/inbox/" + id + "/read", { method: "POST", headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" }).catch(function () {});
    }, 300);
  }

  function applyFeedItem(tpl) {
    if (tpl.hasAttribute("data-notify")) return notify(tpl);
    var into = tpl.getAttribute("data-upsert");
    var mode = tpl.getAttribute("data-mode");
    var t = thread();
    var stick = nearBottom(t);
    var nodes = Array.prototype.slice.call(tpl.content.children);
    nodes.forEach(function (n) {
      var el = document.importNode(n, true);
      var fresh = !document.getElementById(el.id);
      if (mode === "row") placeRow(el); else placeItem(el, into);
      if (fresh && mode !== "row") seen(el);
    });
    if (t && mode !== "row") {
      dedupeDays(t);
      if (stick) t.scrollTop = t.scrollHeight;
    }
  }

  var feed = document.getElementById("inbox-feed");
  function drainFeed() {
    $$("template", feed).forEach(function (tpl) {
      try { applyFeedItem(tpl); } finally { tpl.remove(); }
    });
    refresh();
  }
  new MutationObserver(drainFeed).observe(feed, { childList: true });

  // ---- Things re-checked after any swap: active row, title, window countdowns, the composer's mode.
  function markActive() {
    var id = openId();
    $$("li.conv-row.conv-active").forEach(function (r) {
      if (r.id === "conv-" + id) return;
      r.classList.remove("conv-active");
      var a = $("a.conv-link", r);
      if (a) a.removeAttribute("aria-current");
    });
    var row = id && document.getElementById("conv-" + id);
    if (row) {
      row.classList.add("conv-active");
      var a = $("a.conv-link", row);
      if (a) a.setAttribute("aria-current", "true");
    }
    inbox.classList.toggle("inbox-has-conv", !!id);
  }

  function updateTitle() {
    var el = document.getElementById("inbox-unread");
    var n = el ? Number(el.getAttribute("data-count")) || 0 : 0;
    var base = inbox.getAttribute("data-title") || document.title;
    document.title = (n ? "(" + n + ") " : "") + base;
  }

  function duration(ms) {
    var m = Math.floor(Math.max(0, ms) / 60000);
    if (m < 1) return "<1m";
    var d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60);
    if (d) return d + "d " + h + "h";
    return h ? h + "h " + (m % 60) + "m" : m + "m";
  }

  // Each countdown counts from when this page received it (the server's "left" is exact at render time),
  // so a browser clock that is off does not matter.
  function remaining(w, now) {
    if (!w.hasAttribute("data-seen")) w.setAttribute("data-seen", String(now));
    return Number(w.getAttribute("data-left")) - (now - Number(w.getAttribute("data-seen")));
  }

  function tick() {
    var now = Date.now();
    $$(".window[data-left]").forEach(function (w) {
      var left = remaining(w, now);
      var span = $(".window-left", w);
      if (left <= 0) {
        w.removeAttribute("data-left");
        w.className = "window window-closed";
        w.textContent = w.getAttribute("data-closed") || "";
        if (w.closest(".conv-head")) reloadComposer("closed");
        return;
      }
      if (span) span.textContent = duration(left);
      w.classList.toggle("window-soon", left < 3600000);
    });
  }

  // The composer follows the window: free text while open, the template picker once it closed (and back).
  // At most one reload every few seconds, so a header and a composer that disagree cannot loop.
  var lastReload = 0;
  function reloadComposer(expect) {
    var id = openId();
    var c = id && document.getElementById("composer-" + id);
    if (!c || !window.htmx || Date.now() - lastReload < 5000) return;
    if (c.getAttribute("data-window") === expect || c.getAttribute("data-mode") === "note") return;
    lastReload = Date.now();
    window.htmx.ajax("GET", "/inbox/" + id + "/composer", { target: "#composer-" + id, swap: "outerHTML" });
  }

  function checkComposer() {
    var w = $(".conv-head .window[data-left]");
    if (w && remaining(w, Date.now()) > 0) reloadComposer("open");
  }

  function refresh() {
    markActive();
    updateTitle();
    tick();
    checkComposer();
  }

  document.addEventListener("htmx:after:swap", function () { setTimeout(refresh, 0); });
  setInterval(tick, 30000);

  // ---- Opening a conversation in the pane: scroll to the newest message; keep the place when older ones load.
  function scrollDown() { var t = thread(); if (t) t.scrollTop = t.scrollHeight; }
  // A live header replaces itself: a menu the agent has open, or the composer's focus, must survive it.
  var keep = null, menus = [], typingIn = null;
  document.addEventListener("htmx:before:swap", function (e) {
    var target = e.detail && e.detail.ctx && e.detail.ctx.target;
    var t = thread();
    if (target && target.classList && target.classList.contains("thread-older") && t) keep = { t: t, fromBottom: t.scrollHeight - t.scrollTop };
    menus = $$(".conv-head details[open][data-menu]").map(function (m) { return m.getAttribute("data-menu"); });
    typingIn = document.activeElement && document.activeElement.matches("[data-composer]") ? document.activeElement.id : null;
  });
  document.addEventListener("htmx:after:swap", function (e) {
    var target = e.detail && e.detail.ctx && e.detail.ctx.target;
    if (keep && keep.t.isConnected) {
      dedupeDays(keep.t);
      keep.t.scrollTop = keep.t.scrollHeight - keep.fromBottom;
      keep = null;
    }
    menus.forEach(function (m) { var el = $('.conv-head details[data-menu="' + m + '"]'); if (el) el.open = true; });
    menus = [];
    if (target && target.id === "conv-pane") { scrollDown(); var text = $("[data-composer]"); if (text) text.focus(); }
    else if (typingIn || (target && /^composer-/.test(target.id || ""))) {
      var ta = typingIn ? document.getElementById(typingIn) : $("[data-composer]");
      if (ta && document.activeElement !== ta) ta.focus();
    }
    typingIn = null;
  });

  // ---- Presence heartbeat: the page says it is open every 30 s (a background tab keeps beating).
  function beat() {
    fetch("/presence/heartbeat", { method: "POST", headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" }).catch(function () {});
  }
  beat();
  setInterval(beat, 30000);

  // ---- Browser notifications and a short sound, when the agent opted in (stored in this browser).
  var KEY = "centralino.inbox.notify";
  var toggle = document.getElementById("inbox-notify-toggle");
  var audio = null;
  function enabled() { try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; } }
  function showToggle() {
    if (!toggle) return;
    var on = enabled();
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.title = toggle.getAttribute(on ? "data-on" : "data-off");
    toggle.classList.toggle("notify-on", on);
  }
  function ding() {
    if (!audio) return;
    var o = audio.createOscillator(), g = audio.createGain(), t0 = audio.currentTime;
    o.type = "sine";
    o.frequency.setValueAtTime(880, t0);
    o.frequency.setValueAtTime(1320, t0 + 0.12);
    g.gain.setValueAtTime(0.0001, t0);
    g.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.35);
    o.connect(g).connect(audio.destination);
    o.start(t0);
    o.stop(t0 + 0.36);
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var on = !enabled();
      try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: stays off */ }
      // The click is the user gesture browsers require before a page may ask or play sound.
      if (on && window.Notification && Notification.permission === "default") Notification.requestPermission().then(showToggle);
      if (on && !audio && window.AudioContext) audio = new AudioContext();
      showToggle();
    });
    showToggle();
  }
  function notify(tpl) {
    if (!enabled()) return;
    var title = ($(".n-title", tpl.content) || {}).textContent || "";
    var body = ($(".n-body", tpl.content) || {}).textContent || "";
    var href = tpl.getAttribute("data-href") || "/inbox";
    ding();
    if (window.Notification && Notification.permission === "granted") {
      var n = new Notification(title, { body: body, tag: href });
      n.onclick = function () { window.focus(); if (href.charAt(0) === "/") location.href = href; };
    }
  }

  // ---- Filters apply as soon as they change.
  document.addEventListener("change", function (e) {
    var f = e.target.form;
    if (f && f.hasAttribute("data-autosubmit")) f.submit();
    if (e.target.type === "file" && e.target.closest(".composer")) {
      var label = $("[data-file-name]", e.target.closest(".composer"));
      if (label) label.textContent = e.target.files && e.target.files[0] ? e.target.files[0].name : "";
    }
    if (e.target.id === "inbox-presence") e.target.className = "presence-" + e.target.value;
  });

  // ---- Composer: Enter sends, Shift+Enter is a new line; suggestions (/shortcut, @name); emoji.
  function textarea() { return $("[data-composer]"); }
  function suggestions(ta) { var c = ta.closest(".composer"); return c ? $$(".suggest-item", c) : []; }
  function insertAtCaret(ta, text) {
    var s = ta.selectionStart, e = ta.selectionEnd;
    ta.value = ta.value.slice(0, s) + text + ta.value.slice(e);
    ta.selectionStart = ta.selectionEnd = s + text.length;
    ta.focus();
  }
  function pick(item) {
    var ta = item.closest(".composer") && $("[data-composer]", item.closest(".composer"));
    if (!ta) return;
    var insert = ($(".suggest-insert", item) || {}).textContent || "";
    if (item.getAttribute("data-kind") === "mention") ta.value = ta.value.replace(/@[^\s@]*$/, insert);
    else ta.value = insert;
    item.parentNode.innerHTML = "";
    ta.focus();
    ta.selectionStart = ta.selectionEnd = ta.value.length;
  }
  document.addEventListener("keydown", function (e) {
    var ta = e.target;
    if (!ta.matches || !ta.matches("[data-composer]")) return;
    var items = suggestions(ta);
    if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey && items.length) {
      e.preventDefault();
      pick($(".suggest-item.selected", ta.closest(".composer")) || items[0]);
      return;
    }
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && items.length && !e.altKey) {
      e.preventDefault();
      var i = items.findIndex(function (x) { return x.classList.contains("selected"); });
      items.forEach(function (x) { x.classList.remove("selected"); });
      i = e.key === "ArrowDown" ? (i + 1) % items.length : (i <= 0 ? items.length - 1 : i - 1);
      items[i].classList.add("selected");
      return;
    }
    if (e.key === "Escape" && items.length) { items[0].parentNode.innerHTML = ""; return; }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (ta.value.trim() || (ta.form && ta.form.querySelector('input[type="file"]') && ta.form.querySelector('input[type="file"]').files.length)) ta.form.requestSubmit();
    }
  });
  document.addEventListener("click", function (e) {
    var item = e.target.closest && e.target.closest(".suggest-item");
    if (item) return pick(item);
    var emoji = e.target.closest && e.target.closest("[data-emoji]");
    if (emoji) {
      var ta = textarea();
      if (ta) insertAtCaret(ta, emoji.getAttribute("data-emoji"));
      var menu = emoji.closest("details");
      if (menu) menu.removeAttribute("open");
      return;
    }
    if (e.target.closest && e.target.closest("[data-inbox-help]")) openHelp();
  });

  // ---- Keyboard shortcuts, never while typing.
  var help = document.getElementById("inbox-help");
  function openHelp() { if (help && !help.open) help.showModal(); }
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function move(step) {
    var rows = $$("#conv-list li.conv-row");
    if (!rows.length) return;
    var i = rows.findIndex(function (r) { return r.classList.contains("conv-active"); });
    var next = rows[i < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, i + step))];
    var a = next && $("a.conv-link", next);
    if (a) { a.click(); next.scrollIntoView({ block: "nearest" }); }
  }
  document.addEventListener("keydown", function (e) {
    if (typing(e.target) || e.ctrlKey || e.metaKey) return;
    if (help && help.open) return;
    var k = e.key;
    if ((k === "j" && !e.altKey) || (e.altKey && k === "ArrowDown")) { e.preventDefault(); move(1); }
    else if ((k === "k" && !e.altKey) || (e.altKey && k === "ArrowUp")) { e.preventDefault(); move(-1); }
    else if ((k === "r" || k === "/") && !e.altKey) { var ta = textarea(); if (ta) { e.preventDefault(); ta.focus(); } }
    else if (k === "e" && !e.altKey) { var b = $('[data-shortcut="resolve"]'); if (b) { e.preventDefault(); b.click(); } }
    else if (k === "?") { e.preventDefault(); openHelp(); }
  });

  refresh();
  scrollDown();
})();
