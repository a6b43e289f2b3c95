// Shop glue: flash-sale countdowns on the server's clock (the page carries the server time it was rendered at,
// so a wrong client clock does not move the deadline), refreshed every second, also inside swapped-in fragments.
(function () {
  var skew = null;
  function tick() {
    var els = document.querySelectorAll(".countdown[data-ends-at]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (skew === null) skew = Number(el.getAttribute("data-server-now")) - Date.now();
      var left = Math.max(0, Math.ceil((Number(el.getAttribute("data-ends-at")) - (Date.now() + skew)) / 1000));
      var time = el.querySelector("time");
      if (!time) continue;
      if (left === 0) {
        time.textContent = el.getAttribute("data-done") || "0:00";
        el.classList.add("done");
      } else {
        var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
        time.textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
      }
    }
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
})();

// OBS overlay of pinned products: redraws the list from each JSON "pin" event (text only, same-origin images).
(function () {
  var src = document.body && document.body.getAttribute("data-pin-overlay");
  if (!src) return;
  var box = document.getElementById("shop-pins");
  var retry = 1000;
  function draw(pins) {
    box.textContent = "";
    pins.forEach(function (p) {
      var card = document.createElement("div");
      card.className = "pin-card";
      card.setAttribute("data-pin", String(p.productId));
      if (typeof p.image === "string" && /^\/[^/\\]/.test(p.image)) {
        var img = document.createElement("img");
        img.src = p.image; img.alt = ""; img.width = 56; img.height = 56;
        card.appendChild(img);
      }
      var text = document.createElement("span");
      var strong = document.createElement("strong");
      strong.textContent = String(p.title || "");
      text.appendChild(strong);
      text.appendChild(document.createElement("br"));
      text.appendChild(document.createTextNode(String(p.salePrice || p.price || "")));
      card.appendChild(text);
      box.appendChild(card);
    });
  }
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + src);
    ws.onopen = function () { retry = 1000; document.body.setAttribute("data-connected", "1"); };
    ws.onmessage = function (m) {
      var e;
      try { e = JSON.parse(m.data); } catch (_) { return; }
      if (e && e.type === "pin" && Array.isArray(e.pins)) draw(e.pins);
    };
    ws.onclose = function () {
      document.body.setAttribute("data-connected", "0");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    };
  }
  connect();
})();

// Shoppable replay: shows the products pinned at the replay's current moment.
(function () {
  var box = document.querySelector("[data-replay-pins]");
  var video = document.getElementById("video");
  if (!box || !video) return;
  var list = box.querySelector(".shop-pins");
  var pins = [];
  var shown = "";
  function update() {
    var at = video.currentTime * 1000;
    var now = pins.filter(function (p) { return p.offsetMs !== null && p.offsetMs <= at && (p.unpinOffsetMs === null || p.unpinOffsetMs > at); });
    var key = now.map(function (p) { return p.id; }).join(",");
    if (key === shown) return;
    shown = key;
    list.textContent = "";
    now.forEach(function (p) {
      var a = document.createElement("a");
      a.className = "pin-card";
      a.href = "/shop/p/" + Number(p.productId);
      a.setAttribute("data-pin", String(p.productId));
      var strong = document.createElement("strong");
      strong.textContent = String(p.title || "");
      a.appendChild(strong);
      list.appendChild(a);
    });
    box.hidden = now.length === 0;
  }
  fetch(box.getAttribute("data-replay-pins")).then(function (r) { return r.json(); }).then(function (j) {
    pins = Array.isArray(j.pins) ? j.pins : [];
    video.addEventListener("timeupdate", update);
    update();
  }).catch(function () {});
})();
