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
