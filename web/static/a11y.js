// Keyboard access to what scrolls by itself: a table wider than a phone scrolls inside its
// own box (app.css), and a box that scrolls must be reachable by keyboard (WCAG 2.1.1), so
// each one that overflows now takes focus. Run on load, when the window changes size and
// whenever the page's content changes (an htmx swap, a drawn diagram). A file, not an inline script (the CSP).
(() => {
  function mark() {
    document.querySelectorAll("table, figure.chart, pre").forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollFocus = "";
      } else if (!scrolls && box.dataset.scrollFocus !== undefined) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }
  let queued = false;
  function soon() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      mark();
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    mark();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("resize", soon);
})();
