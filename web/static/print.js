// A button marked data-print prints the page (the due-process report). A file, not an
// onclick attribute: the Content-Security-Policy runs no inline handler.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
