// Sponsor slots in the page: a display counts as an impression only once it is actually seen — at least half of it
// inside the viewport for a full second while the tab is visible — and then it is reported once (the server
// dedupes per display as well). A replay's pre-roll holds the video until it is skipped; the skip button works
// after the slot's N seconds. Slots arrive by htmx after load, so every swap is scanned.
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var DWELL_MS = 1000;
  var io = "IntersectionObserver" in window ? new IntersectionObserver(onIntersect, { threshold: 0.5 }) : null;

  function report(el) {
    if (el.getAttribute("data-sponsor-sent") === "1") return;
    el.setAttribute("data-sponsor-sent", "1");
    if (io) io.unobserve(el);
    fetch(el.getAttribute("data-seen-url"), { method: "POST", keepalive: true, credentials: "same-origin", headers: { "X-CSRF-Token": meta ? meta.content : "" } }).catch(function () {});
  }

  function arm(el) {
    if (el._sponsorTimer || el.getAttribute("data-sponsor-sent") === "1") return;
    el._sponsorTimer = setTimeout(function () { el._sponsorTimer = null; report(el); }, DWELL_MS);
  }

  function disarm(el) {
    if (el._sponsorTimer) clearTimeout(el._sponsorTimer);
    el._sponsorTimer = null;
  }

  function onIntersect(entries) {
    entries.forEach(function (e) {
      e.target._sponsorVisible = e.isIntersecting && e.intersectionRatio >= 0.5;
      if (e.target._sponsorVisible && document.visibilityState === "visible") arm(e.target);
      else disarm(e.target);
    });
  }

  document.addEventListener("visibilitychange", function () {
    document.querySelectorAll("[data-sponsor-display]").forEach(function (el) {
      if (document.visibilityState === "visible" && el._sponsorVisible) arm(el);
      else disarm(el);
    });
  });

  function preroll(el) {
    var video = document.getElementById("video");
    var skip = el.querySelector("[data-sponsor-skip]");
    var after = Number(el.getAttribute("data-sponsor-preroll")) || 0;
    var template = el.getAttribute("data-text-skip-in") || "{s}";
    var started = Date.now();
    var done = false;
    function hold() { if (!done && video && !video.paused) video.pause(); }
    function finish() {
      if (done) return;
      done = true;
      clearInterval(tick);
      el.remove();
      if (video) video.play().catch(function () {});
    }
    function update() {
      var left = Math.ceil(after - (Date.now() - started) / 1000);
      if (left > 0) {
        skip.textContent = template.replace("{s}", String(left));
        skip.disabled = true;
      } else {
        skip.textContent = el.getAttribute("data-text-skip") || "Skip";
        skip.disabled = false;
      }
      // Left on its own, the pre-roll gives way a while after it became skippable.
      if (left <= -15) finish();
    }
    if (video) video.addEventListener("play", hold);
    hold();
    skip.addEventListener("click", function () { if (!skip.disabled) finish(); });
    var tick = setInterval(update, 250);
    update();
  }

  function scan() {
    document.querySelectorAll("[data-sponsor-display]:not([data-sponsor-watched])").forEach(function (el) {
      el.setAttribute("data-sponsor-watched", "1");
      if (el.hasAttribute("data-sponsor-preroll")) preroll(el);
      if (io) io.observe(el);
      else report(el);
    });
  }

  document.addEventListener("htmx:after:swap", scan);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
