// OBS overlay: listens on the overlay socket and draws alerts (queued), chat lines or the goal bar.
// Every user-supplied string is set with textContent, never parsed as HTML.
(function () {
  var body = document.body;
  var kind = body.getAttribute("data-kind");
  var root = document.getElementById("overlay-root");
  var ALERT_MS = Number(body.getAttribute("data-alert-ms")) || 5000;
  var MAX_CHAT = 30;
  var queue = [];
  var showing = false;
  var retry = 1000;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function name(u) {
    return u && (u.displayName || u.username) ? String(u.displayName || u.username) : "";
  }
  // Fills a translated template ("{name} sent {gift}") with text nodes, so values stay text.
  function fill(parent, template, values) {
    String(template || "").split(/(\{[a-z]+\})/).forEach(function (part) {
      var m = /^\{([a-z]+)\}$/.exec(part);
      if (m && m[1] in values) parent.appendChild(el("strong", "v-" + m[1], values[m[1]]));
      else if (part) parent.appendChild(document.createTextNode(part));
    });
    return parent;
  }
  function sameOriginPath(u) {
    return typeof u === "string" && /^\/[^/\\]/.test(u) ? u : null;
  }

  // Alerts
  function alertFor(e) {
    var box = el("div", "alert alert-" + e.type);
    if (e.type === "gift") {
      box.classList.add("tier-" + (Number(e.gift && e.gift.tier) || 1));
      var img = sameOriginPath(e.gift && e.gift.image);
      if (img) { var i = el("img"); i.src = img; i.alt = ""; box.appendChild(i); }
      fill(box.appendChild(el("div", "text")), body.getAttribute("data-t-gift"), { name: name(e.sender), gift: (e.gift && e.gift.name) || "", count: e.count || 1 });
      if (e.combo > 1 || e.count > 1) box.appendChild(el("div", "combo", "×" + e.combo));
    } else if (e.type === "follow") {
      fill(box.appendChild(el("div", "text")), body.getAttribute("data-t-follow"), { name: name(e) || name(e.user) });
    } else if (e.type === "purchase") {
      // The shop's event: { buyer: "Display Name", product: "Title", quantity }.
      var who = typeof e.buyer === "string" ? e.buyer : name(e.buyer);
      var what = typeof e.product === "string" ? e.product : (e.product && e.product.title) || "";
      fill(box.appendChild(el("div", "text")), body.getAttribute("data-t-purchase"), { name: who, product: e.quantity > 1 ? what + " ×" + e.quantity : what });
    } else if (e.type === "test") {
      fill(box.appendChild(el("div", "text")), body.getAttribute("data-t-test"), { name: name(e.sender) });
    } else return null;
    return box;
  }
  var current = null;
  function next() {
    current = queue.shift() || null;
    body.setAttribute("data-queued", String(queue.length));
    if (!current) { showing = false; return; }
    showing = true;
    var box = current;
    root.appendChild(box);
    setTimeout(function () { box.remove(); next(); }, ALERT_MS);
  }
  // A combo (same sender, same gift, counter climbing) is one alert: the one on screen or waiting in the queue
  // takes the newer counter instead of a tap-storm queueing a hundred alerts.
  function mergeCombo(e, box) {
    var key = box.getAttribute("data-combo-key");
    if (!key || !(e.combo > 1)) return false;
    if (current && current.getAttribute("data-combo-key") === key) {
      var c = current.querySelector(".combo") || current.appendChild(el("div", "combo"));
      c.textContent = "×" + e.combo;
      return true;
    }
    for (var i = 0; i < queue.length; i++) {
      if (queue[i].getAttribute("data-combo-key") === key) { queue[i] = box; return true; }
    }
    return false;
  }
  function enqueue(e) {
    var box = alertFor(e);
    if (!box) return;
    if (e.type === "gift" && e.sender) box.setAttribute("data-combo-key", e.sender.username + ":" + (e.gift && e.gift.id));
    if (mergeCombo(e, box)) return;
    queue.push(box);
    body.setAttribute("data-queued", String(queue.length));
    if (!showing) next();
  }

  // Chat
  function chatLine(e) {
    if (!e.user && !e.bot) return;
    var li = el("div", "line");
    li.setAttribute("data-id", String(e.id));
    if (e.user && e.user.username) li.setAttribute("data-user", String(e.user.username).toLowerCase());
    li.appendChild(el("span", "who", e.bot ? "🤖" : name(e.user)));
    var text = el("span", "msg");
    var parts = Array.isArray(e.parts) && e.parts.length ? e.parts : [{ t: "text", v: e.text }];
    parts.forEach(function (p) {
      var src = p.t === "emote" ? sameOriginPath(p.url) : null;
      if (src) { var i = el("img", "emote"); i.src = src; i.alt = ":" + p.name + ":"; text.appendChild(i); }
      else if (p.t === "mention") text.appendChild(el("span", "mention", "@" + p.v));
      else text.appendChild(document.createTextNode(String(p.v !== undefined ? p.v : p.name || "")));
    });
    li.appendChild(text);
    root.appendChild(li);
    while (root.children.length > MAX_CHAT) root.firstChild.remove();
  }
  function moderation(e) {
    // A deleted message, or everything from a user who was just banned or timed out, leaves the screen.
    var match = e.action === "delete" ? function (l) { return l.getAttribute("data-id") === String(e.messageId); }
      : (e.action === "ban" || e.action === "timeout") && e.username ? function (l) { return l.getAttribute("data-user") === String(e.username).toLowerCase(); }
      : null;
    if (match) root.querySelectorAll(".line").forEach(function (l) { if (match(l)) l.remove(); });
  }

  // The teacher's pinned Q&A question, above the chat lines; gone when unpinned or answered.
  function pinnedQuestion(e) {
    var box = document.getElementById("pinned-question");
    if (!e.pinned) { if (box && box.getAttribute("data-id") === String(e.id)) box.remove(); return; }
    if (!box) { box = el("div", "pinned-question"); box.id = "pinned-question"; root.parentNode.insertBefore(box, root); }
    box.textContent = "";
    box.setAttribute("data-id", String(e.id));
    box.appendChild(el("span", "q", "? " + e.text));
    box.appendChild(el("span", "who", e.author));
  }

  // Goal
  function drawGoal(goal) {
    root.textContent = "";
    if (!goal || !goal.target) return;
    var wrap = el("div", "goal");
    var head = el("div", "goal-head");
    head.appendChild(el("span", "goal-title", goal.title || body.getAttribute("data-t-goal")));
    head.appendChild(el("span", "goal-count", goal.progress + " / " + goal.target));
    var track = el("div", "goal-track");
    var fillBar = el("div", "goal-fill");
    fillBar.style.width = Math.min(100, Math.floor((goal.progress * 100) / goal.target)) + "%";
    track.appendChild(fillBar);
    wrap.appendChild(head);
    wrap.appendChild(track);
    root.appendChild(wrap);
  }

  function handle(e) {
    if (!e || typeof e.type !== "string") return;
    if (kind === "alerts") enqueue(e);
    else if (kind === "chat") {
      if (e.type === "chat") chatLine(e);
      else if (e.type === "moderation") moderation(e);
      else if (e.type === "question") pinnedQuestion(e);
    } else if (kind === "goal" && (e.type === "gift" || e.type === "goal") && "goal" in e) drawGoal(e.goal);
  }

  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + body.getAttribute("data-ws"));
    ws.onopen = function () { retry = 1000; body.setAttribute("data-connected", "1"); };
    ws.onmessage = function (m) {
      var e;
      try { e = JSON.parse(m.data); } catch (_) { return; }
      handle(e);
    };
    ws.onclose = function (ev) {
      body.setAttribute("data-connected", "0");
      // 4001: the token was rotated; this URL is dead, so stop and say so to whoever looks at OBS.
      if (ev.code === 4001) { body.setAttribute("data-revoked", "1"); return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  if (kind === "goal") {
    try { drawGoal(JSON.parse(body.getAttribute("data-goal") || "null")); } catch (_) {}
  }
  connect();
})();
