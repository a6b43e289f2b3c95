// The header bell: one WebSocket per signed-in page that receives { type: "unread", count } on open and on every
// change, and shows the count. Reconnects with a growing delay when the socket drops (server restart).
(function () {
  var bell = document.getElementById("bell");
  var badge = document.getElementById("bell-count");
  if (!bell || !badge || !window.WebSocket) return;
  var path = bell.getAttribute("data-ws");
  var delay = 1000;
  function show(n) {
    badge.textContent = n > 0 ? String(n > 99 ? "99+" : n) : "";
    badge.hidden = n <= 0;
    bell.setAttribute("data-unread", String(n));
  }
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path);
    ws.onopen = function () { delay = 1000; };
    ws.onmessage = function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch (err) { return; }
      if (m && m.type === "unread" && typeof m.count === "number") show(m.count);
    };
    ws.onclose = function (e) {
      if (e.code === 1008) return; // refused (signed out): do not retry
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
