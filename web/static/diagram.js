// Draws the state diagram of the case and process pages (<pre class="mermaid">) with the
// vendored mermaid. A file, not an inline script: the Content-Security-Policy runs scripts
// from this origin only (web/security_headers.py). After a step the case page's diagram is
// swapped in with the new stage highlighted (out of band): it is drawn again then.
function drawDiagrams() {
  if (window.mermaid) {
    mermaid.run({ querySelector: "pre.mermaid:not([data-processed])" });
  }
}
document.addEventListener("DOMContentLoaded", () => {
  if (window.mermaid) {
    mermaid.initialize({ startOnLoad: false });
    drawDiagrams();
  }
});
document.addEventListener("htmx:after:settle", drawDiagrams);
