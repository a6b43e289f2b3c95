// Livehouse page glue: CSRF header on every htmx request, reveal/copy for secrets, confirm prompts.
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:config:request", function (e) {
    if (meta) e.detail.ctx.request.headers["X-CSRF-Token"] = meta.content;
  });
  document.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target.closest("[data-reveal],[data-copy]") : null;
    if (!t) return;
    var target = document.getElementById(t.getAttribute("data-reveal") || t.getAttribute("data-copy"));
    if (!target) return;
    if (t.hasAttribute("data-reveal")) {
      var shown = target.getAttribute("data-shown") === "1";
      target.textContent = shown ? target.getAttribute("data-masked") : target.getAttribute("data-secret");
      target.setAttribute("data-shown", shown ? "0" : "1");
      t.textContent = shown ? t.getAttribute("data-label-reveal") : t.getAttribute("data-label-hide");
    } else {
      var text = target.getAttribute("data-secret") || target.textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(text).catch(function () {});
      var label = t.textContent;
      t.textContent = t.getAttribute("data-label-done") || label;
      setTimeout(function () { t.textContent = label; }, 1500);
    }
  });
})();
