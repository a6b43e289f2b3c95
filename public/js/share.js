// Share buttons (views/partials/share.tsx): copy the page's absolute URL, or hand it to the system share sheet
// (navigator.share) where the browser has one.
(function () {
  function wire(box) {
    var url = box.getAttribute("data-share-url");
    var title = box.getAttribute("data-share-title");
    var status = box.querySelector(".share-status");
    var copy = box.querySelector(".share-copy");
    var native = box.querySelector(".share-native");
    if (copy) copy.addEventListener("click", function () {
      var done = function () { if (status) status.textContent = box.getAttribute("data-text-copied"); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(url).then(done, function () { fallback(url); done(); });
      else { fallback(url); done(); }
    });
    if (native && navigator.share) {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: title, url: url }).catch(function () {});
      });
    }
  }
  // Without the async clipboard API (http pages): select a temporary field and copy it.
  function fallback(text) {
    var f = document.createElement("textarea");
    f.value = text;
    f.setAttribute("readonly", "");
    f.style.position = "fixed";
    f.style.opacity = "0";
    document.body.appendChild(f);
    f.select();
    try { document.execCommand("copy"); } catch (e) {}
    document.body.removeChild(f);
  }
  function start() {
    var boxes = document.querySelectorAll(".share[data-share-url]");
    for (var i = 0; i < boxes.length; i++) wire(boxes[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
