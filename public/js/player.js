// Livehouse player: hls.js light (native HLS on Safari), quality picker, live badge, offline/online switch
// without a reload (room API poll + the realtime badge), "go to live edge", low-latency tuning. A room or replay
// that is not public has data-playback: its signed URL comes from that API and is refreshed before it expires;
// hls.js puts the freshest token on every request (xhrSetup), so playback never needs a reload.
(function () {
  var box = document.getElementById("player");
  var video = document.getElementById("video");
  if (!box || !video) return;
  var mode = box.getAttribute("data-mode");
  var src = box.getAttribute("data-src");
  var slug = box.getAttribute("data-slug");
  var quality = document.getElementById("quality");
  var goLive = document.getElementById("go-live");
  var hls = null;
  var live = box.getAttribute("data-live") === "1";
  var native = !window.Hls || !window.Hls.isSupported();
  // A low-latency room serves LL-HLS parts. hls.js plays up to 1.1× to get back to its target, but only within
  // one target duration of it; further behind (a stall, a slow start) it never catches up unless a maximum
  // latency makes it jump, and that option needs liveSyncDuration, which replaces the playlist's PART-HOLD-BACK
  // (0.625 s) as the target: 0.75 s is about what hls.js settles at anyway. The jump comes at 2.25 s: a slow
  // start left players 2.6 s behind for good with 3 s (docs/live.md).
  var lowLatency = box.getAttribute("data-latency") === "low";
  var LL_CONFIG = {
    lowLatencyMode: true, liveSyncDuration: 0.75, liveMaxLatencyDuration: 2.25, maxLiveSyncPlaybackRate: 1.1,
    backBufferLength: 30, manifestLoadingMaxRetry: 6, levelLoadingMaxRetry: 6,
  };
  var canNative = video.canPlayType("application/vnd.apple.mpegurl") !== "";
  var playback = box.getAttribute("data-playback");
  var token = null;
  var refreshTimer = 0;

  function withToken(url) {
    if (!token) return url;
    var u = new URL(url, location.href);
    u.searchParams.set("md5", token.md5);
    u.searchParams.set("expires", token.expires);
    return u.toString();
  }

  // A replay without access says so in place, with a link to its price or its room's paywall.
  function denied() {
    box.textContent = box.getAttribute("data-text-denied");
    var how = box.getAttribute("data-access-url");
    if (!how) return;
    var a = document.createElement("a");
    a.href = how;
    a.id = "replay-access-link";
    a.textContent = box.getAttribute("data-text-access");
    box.appendChild(document.createTextNode(" "));
    box.appendChild(a);
  }

  // Gets a signed URL; refreshes itself at half its remaining life. No access any more: the page shows the paywall.
  function fetchToken(then) {
    fetch(playback, { headers: { accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) {
          detach();
          // The room page renders the paywall for a viewer who lost access; a replay says so in place.
          if (mode === "live") location.reload();
          else denied();
          return null;
        }
        return r.ok ? r.json() : null;
      })
      .then(function (j) {
        if (j && j.hls) {
          var u = new URL(j.hls, location.href);
          token = u.searchParams.get("md5") ? { md5: u.searchParams.get("md5"), expires: u.searchParams.get("expires") } : null;
          src = j.hls;
          if (then) then();
        }
        var wait = j && j.expiresAt ? Math.min(300000, Math.max(1000, (j.expiresAt - Date.now()) / 2)) : 5000;
        refreshTimer = setTimeout(function () { fetchToken(null); }, wait);
      })
      .catch(function () { refreshTimer = setTimeout(function () { fetchToken(null); }, 5000); });
  }

  function setQualities(levels) {
    if (!quality) return;
    while (quality.options.length > 1) quality.remove(1);
    // Highest quality first; option values stay hls.js level indexes (ascending bitrate).
    levels.map(function (l, i) { return { l: l, i: i }; }).reverse().forEach(function (x) {
      var l = x.l, i = x.i;
      var o = document.createElement("option");
      o.value = String(i);
      o.textContent = (l.height ? l.height + "p" : "#" + (i + 1)) + (l.bitrate ? " · " + Math.round(l.bitrate / 1000) + " kbps" : "");
      quality.appendChild(o);
    });
    quality.value = "-1";
  }

  function detach() {
    clearTimeout(refreshTimer);
    if (hls) {
      hls.destroy();
      hls = null;
    }
    video.removeAttribute("src");
    video.load();
  }

  function attach() {
    detach();
    if (playback) fetchToken(start);
    else start();
  }

  function start() {
    if (!native) {
      hls = new window.Hls(mode === "live" && lowLatency ? LL_CONFIG : mode === "live" ? {
        // Standard HLS (whole segments, no parts) with hls.js's low-latency machinery on: it asks for the next
        // segment with a blocking reload (_HLS_msn, which our playlists allow), so it learns of each segment the
        // moment it is listed instead of up to a target duration later, and it plays up to 1.1× to get back to
        // its target after a slow start. The target: one segment plus the ingest → playlist lag (~0.2 s) and a
        // margin, so the buffer never runs dry between segments. Set for 2 s segments here and corrected from the
        // playlist's target duration once loaded; more than two target durations + 1.25 s behind, it jumps
        // (docs/live.md).
        lowLatencyMode: true,
        liveSyncDuration: 2.75,
        liveMaxLatencyDuration: 5.25,
        maxLiveSyncPlaybackRate: 1.1,
        backBufferLength: 30,
        manifestLoadingMaxRetry: 6,
        levelLoadingMaxRetry: 6,
        xhrSetup: xhrSetup,
      } : { backBufferLength: 60, xhrSetup: xhrSetup });
      if (mode === "live" && !lowLatency) {
        hls.on(window.Hls.Events.LEVEL_LOADED, function (_e, data) {
          var td = data.details && data.details.targetduration;
          if (td && data.details.live) {
            hls.config.liveSyncDuration = td + 0.75;
            hls.config.liveMaxLatencyDuration = td * 2 + 1.25;
          }
        });
      }
      hls.on(window.Hls.Events.MANIFEST_PARSED, function (_e, data) {
        setQualities(data.levels);
        play();
      });
      hls.on(window.Hls.Events.ERROR, function (_e, data) {
        if (!data.fatal) return;
        if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) return hls.recoverMediaError();
        // Network gave up (e.g. the stream ended under us): start over if the room is still live.
        detach();
        if (mode === "live") setTimeout(check, 1000);
      });
      if (mode === "live") snapOnStart(hls);
      // Exposed for diagnostics and the latency benchmark (hls.playingDate: the frame's arrival time at the server).
      box.livehouseHls = hls;
      hls.loadSource(src);
      hls.attachMedia(video);
    } else if (canNative) {
      video.src = src;
      play();
    }
  }

  // Playback that begins late (a cold browser's decoders, a slow device) begins behind the point hls.js chose to
  // start from, a second or more over its target, and catching up at 1.1× takes ten seconds per second. Once, as
  // playback begins, go to the live sync point if it is already buffered: measured, a cold browser started 4.4–4.6 s
  // behind the publisher instead of ~3 s (docs/live.md).
  function snapOnStart(h) {
    video.addEventListener("playing", function onPlaying() {
      video.removeEventListener("playing", onPlaying);
      if (hls !== h || !(h.latency > h.targetLatency + 0.5)) return;
      var to = h.liveSyncPosition;
      for (var i = 0; to && i < video.buffered.length; i++) {
        if (video.buffered.start(i) <= to && to < video.buffered.end(i)) {
          video.currentTime = to;
          return;
        }
      }
    });
  }

  function xhrSetup(xhr, url) {
    if (token) xhr.open("GET", withToken(url), true);
  }

  function play() {
    var p = video.play();
    if (p && p.catch) p.catch(function () {});
  }

  function setBadge(on) {
    var badge = document.getElementById("live-badge");
    if (badge) {
      badge.textContent = box.getAttribute(on ? "data-text-live" : "data-text-offline");
      badge.className = on ? "badge live" : "badge";
    }
  }

  function setLive(on) {
    if (on === live && (on ? hls || video.src : true)) return;
    live = on;
    box.setAttribute("data-live", on ? "1" : "0");
    box.hidden = !on;
    var offline = document.getElementById("offline");
    if (offline) offline.hidden = on;
    setBadge(on);
    if (on) attach();
    else detach();
  }

  var checking = false;
  function check() {
    if (checking || !slug) return;
    checking = true;
    fetch("/api/v1/rooms/" + encodeURIComponent(slug), { headers: { accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j && typeof j.live === "boolean") setLive(j.live); })
      .catch(function () {})
      .then(function () { checking = false; });
  }

  // Native HLS (Safari) keeps the URLs it started with: when a token expires under it, start again with a fresh one.
  video.addEventListener("error", function () {
    if (native && playback && (mode !== "live" || live)) attach();
  });

  if (quality) {
    quality.addEventListener("change", function () {
      var level = Number(quality.value);
      if (hls) hls.nextLevel = level;
    });
  }
  if (goLive) {
    goLive.addEventListener("click", function () {
      if (hls && hls.liveSyncPosition) video.currentTime = hls.liveSyncPosition;
      else if (video.seekable.length) video.currentTime = video.seekable.end(video.seekable.length - 1) - 1;
      play();
    });
  }

  if (mode === "live") {
    // The realtime layer swaps #live-badge when the room goes live or offline: follow it at once.
    var side = document.body;
    new MutationObserver(function () {
      var badge = document.getElementById("live-badge");
      if (!badge) return;
      var on = badge.classList.contains("live");
      if (on !== live) setLive(on);
    }).observe(side, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
    // Works without the realtime layer too: ask the room API every few seconds.
    setInterval(check, 2000);
    video.addEventListener("ended", check);
    if (live) attach();
  } else {
    attach();
  }
})();
