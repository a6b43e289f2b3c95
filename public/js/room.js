// Room page: danmaku over the video, floating hearts, chat list upkeep, mention highlight, moderator delete,
// the per-viewer danmaku toggle, and the viewer ping when no socket is open (HLS-only viewers).
(function () {
  var MAX_LINES = 200, MAX_FLYING = 24, LANES = 8;
  var flying = 0, lane = 0, socketOpen = false;
  var store = window.localStorage;
  function danmakuOn() { try { return store.getItem("lh-danmaku") !== "0"; } catch (e) { return true; } }
  function chat() { return document.getElementById("chat"); }

  // Danmaku: a live chat line's text, cloned (already-escaped DOM, never re-parsed) and flown over the video.
  function fly(li) {
    var stage = document.getElementById("stage"), layer = document.getElementById("danmaku"), text = li.querySelector(".text");
    if (!stage || !layer || !text || !danmakuOn() || flying >= MAX_FLYING || document.hidden) return;
    var el = document.createElement("span");
    el.className = "dm";
    el.appendChild(text.cloneNode(true));
    var me = chat() && chat().getAttribute("data-me");
    if (me && li.getAttribute("data-user") === me) el.classList.add("mine");
    layer.appendChild(el);
    el.style.top = (4 + (lane++ % LANES) * (88 / LANES)) + "%";
    flying++;
    var dist = stage.clientWidth + el.offsetWidth + 20;
    var anim = el.animate([{ transform: "translateX(0)" }, { transform: "translateX(-" + dist + "px)" }], { duration: 7000 + Math.random() * 2000, easing: "linear" });
    anim.onfinish = anim.oncancel = function () { flying--; el.remove(); };
  }

  function hearts(burst) {
    var layer = burst.parentNode, n = Math.min(parseInt(burst.getAttribute("data-n"), 10) || 1, 10);
    burst.remove();
    if (!layer || document.hidden) return;
    for (var i = 0; i < n; i++) {
      var h = document.createElement("span");
      h.className = "heart";
      h.textContent = "♥";
      h.style.right = (8 + Math.random() * 14) + "%";
      h.style.color = "hsl(" + Math.round(330 + Math.random() * 40) + ",90%,65%)";
      layer.appendChild(h);
      var a = h.animate([{ transform: "translateY(0) scale(.6)", opacity: 1 }, { transform: "translate(" + Math.round(Math.random() * 60 - 30) + "px,-220px) scale(1.2)", opacity: 0 }],
        { duration: 1600 + Math.random() * 800, delay: i * 90, easing: "ease-out", fill: "backwards" });
      a.onfinish = a.oncancel = (function (x) { return function () { x.remove(); }; })(h);
    }
  }

  function line(li) {
    var c = chat(), list = li.parentNode;
    var me = c && c.getAttribute("data-me");
    if (me && li.querySelector('.mention[data-mention="' + me + '"]')) li.classList.add("me");
    if (c && c.hasAttribute("data-mod") && li.id) {
      var del = document.createElement("button");
      del.className = "link del";
      del.textContent = "×";
      del.setAttribute("data-del", li.id.slice(2));
      del.setAttribute("aria-label", c.getAttribute("data-del-label") || "Delete");
      li.appendChild(del);
    }
    if (!li.hasAttribute("data-h") && li.querySelector(".text")) fly(li);
    while (list.children.length > MAX_LINES) list.firstElementChild.remove();
    if (list.scrollHeight - list.scrollTop - list.clientHeight < 120) list.scrollTop = list.scrollHeight;
  }

  new MutationObserver(function (records) {
    records.forEach(function (r) {
      r.addedNodes.forEach(function (n) {
        if (!(n instanceof Element)) return;
        var parent = r.target.id;
        if (parent === "hearts" && n.classList.contains("burst")) hearts(n);
        else if (parent === "chat-list" && n.tagName === "LI") line(n);
        else if (n.id === "chat-notice" && n.getAttribute("data-code") === "ok") {
          var f = document.querySelector(".chat-form");
          if (f) f.reset();
        } else if (n.id === "chat") {
          var list = document.getElementById("chat-list");
          if (list) Array.prototype.forEach.call(list.children, line);
          if (list) list.scrollTop = list.scrollHeight;
          var t = document.getElementById("danmaku-toggle");
          if (t) t.checked = danmakuOn();
        }
      });
    });
  }).observe(document.body, { childList: true, subtree: true });

  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "danmaku-toggle") {
      try { store.setItem("lh-danmaku", e.target.checked ? "1" : "0"); } catch (x) {}
      if (!e.target.checked) document.querySelectorAll("#danmaku .dm").forEach(function (d) { d.getAnimations().forEach(function (a) { a.cancel(); }); });
    }
  });

  document.addEventListener("click", function (e) {
    var b = e.target instanceof Element ? e.target.closest("[data-del]") : null;
    var c = chat();
    if (!b || !c) return;
    var meta = document.querySelector('meta[name="csrf-token"]');
    fetch("/r/" + encodeURIComponent(c.getAttribute("data-slug")) + "/chat/" + encodeURIComponent(b.getAttribute("data-del")) + "/delete",
      { method: "POST", headers: { "X-CSRF-Token": meta ? meta.content : "" }, credentials: "same-origin" });
  });

  document.addEventListener("htmx:ws:after:connection", function () { socketOpen = true; });
  document.addEventListener("htmx:ws:close", function () { socketOpen = false; });

  var room = document.querySelector(".room-layout");
  var viewer = null;
  // The server renders its ping interval (PING_EVERY_MS) into the page; pages without it do not ping.
  var pingMs = room ? Number(room.getAttribute("data-ping-ms")) : 0;
  if (pingMs > 0) setInterval(function () {
    var c = chat();
    if (c) viewer = c.getAttribute("data-viewer");
    if (socketOpen || !room || document.hidden) return;
    if (!viewer) viewer = Math.random().toString(36).slice(2, 14) + Date.now().toString(36);
    fetch("/api/v1/rooms/" + encodeURIComponent(room.getAttribute("data-room")) + "/ping?v=" + viewer, { credentials: "omit" }).catch(function () {});
  }, pingMs);
})();
