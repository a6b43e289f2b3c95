// Room page gift bar: sends a gift through the JSON API with a fresh idempotency key per click (a network retry
// of the same click reuses it), shows the new balance or the server's message, and clears finished animations.
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  function key() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(36).slice(2));
  }
  function status(bar, text, isError) {
    var s = bar.querySelector("#gift-status");
    if (!s) return;
    s.textContent = text;
    s.classList.toggle("error", !!isError);
  }
  function send(bar, btn, k, attempt) {
    var countSel = bar.querySelector("#gift-count");
    var body = { giftId: Number(btn.getAttribute("data-gift")), count: Number(countSel ? countSel.value : 1), idempotencyKey: k };
    return fetch("/api/v1/rooms/" + encodeURIComponent(bar.getAttribute("data-room")) + "/gifts", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": meta ? meta.content : "" },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().then(function (j) {
        if (res.status === 201) {
          var label = bar.querySelector("#gift-balance");
          if (label) label.textContent = String(j.balance);
          status(bar, "");
        } else if (res.status === 401) status(bar, bar.getAttribute("data-msg-login"), true);
        else if (res.status === 402) status(bar, bar.getAttribute("data-msg-short").replace("{price}", j.price).replace("{balance}", j.balance), true);
        else if (res.status === 429) status(bar, bar.getAttribute("data-msg-rate"), true);
        else status(bar, j.error || bar.getAttribute("data-msg-error"), true);
      });
    }, function () {
      if (attempt < 2) return send(bar, btn, k, attempt + 1);
      status(bar, bar.getAttribute("data-msg-error"), true);
    });
  }
  document.addEventListener("click", function (e) {
    var btn = e.target instanceof Element ? e.target.closest("[data-gift]") : null;
    var bar = btn ? btn.closest("#gift-bar") : null;
    if (!bar) return;
    send(bar, btn, key(), 0);
  });
  // Gift animations are appended by the room socket; each removes itself once it has played, and a combo
  // (same sender, same gift) replaces its previous pop so the counter climbs in place.
  new MutationObserver(function (list) {
    list.forEach(function (m) {
      m.addedNodes.forEach(function (n) {
        if (!(n instanceof Element) || !n.classList.contains("gift-pop")) return;
        var key = n.getAttribute("data-combo-key");
        if (n.parentNode && key) {
          n.parentNode.querySelectorAll(".gift-pop").forEach(function (old) {
            if (old !== n && old.getAttribute("data-combo-key") === key) old.remove();
          });
        }
        setTimeout(function () { n.remove(); }, 4000);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
