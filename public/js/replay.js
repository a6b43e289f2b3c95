// Replay page: shows the chat lines whose offset into the broadcast the video has reached (the server renders
// every line hidden), so the chat plays back in sync and follows seeks. The list arrives by htmx after load,
// so it is looked up on every tick rather than once.
(function () {
  var video = document.getElementById("video");
  if (!video) return;
  var shownUpTo = -1;
  function update() {
    var list = document.querySelector("[data-replay-chat]");
    if (!list) return;
    var at = video.currentTime * 1000;
    var last = -1;
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      var show = Number(items[i].getAttribute("data-offset")) <= at;
      items[i].hidden = !show;
      if (show) last = i;
    }
    if (last !== shownUpTo) {
      shownUpTo = last;
      list.scrollTop = list.scrollHeight; // hidden lines take no room: the bottom is the newest shown line
    }
  }
  video.addEventListener("timeupdate", update);
  video.addEventListener("seeked", update);
  document.addEventListener("htmx:after:swap", update);
})();
