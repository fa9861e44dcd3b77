// Draws the state diagram of the case and process pages (<pre class="mermaid">) with the
// vendored mermaid. A file, not an inline script: the Content-Security-Policy runs scripts
// from this origin only (web/security_headers.py).
document.addEventListener("DOMContentLoaded", () => {
  if (window.mermaid) {
    mermaid.initialize({ startOnLoad: false });
    mermaid.run({ querySelector: "pre.mermaid" });
  }
});
