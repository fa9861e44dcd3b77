// Tabs over sections that work without this script: a <nav data-tabs> of plain anchors
// ("#steps") to <section> elements, all shown when JavaScript is off. With it, the anchors
// become ARIA tabs (arrow keys, Home, End), one section shows at a time, and the URL's
// hash names the open tab so a link such as "#overdue" opens its tab.
(() => {
  function setUp(nav) {
    const tabs = Array.from(nav.querySelectorAll("a[href^='#']"));
    const panels = tabs.map((a) => document.getElementById(a.hash.slice(1)));
    if (!tabs.length || panels.includes(null)) return;
    nav.setAttribute("role", "tablist");
    tabs.forEach((tab, i) => {
      tab.setAttribute("role", "tab");
      tab.id = tab.id || "tab-" + panels[i].id;
      tab.setAttribute("aria-controls", panels[i].id);
      panels[i].setAttribute("role", "tabpanel");
      panels[i].setAttribute("aria-labelledby", tab.id);
      panels[i].tabIndex = -1;
    });
    function select(index, focusTab) {
      tabs.forEach((tab, i) => {
        const on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focusTab) tabs[index].focus();
    }
    function fromHash() {
      const i = panels.findIndex((p) => "#" + p.id === location.hash);
      return i < 0 ? null : i;
    }
    select(fromHash() ?? 0, false);
    nav.addEventListener("click", (event) => {
      const i = tabs.indexOf(event.target.closest("a"));
      if (i < 0) return;
      event.preventDefault();
      history.replaceState(null, "", tabs[i].hash);
      select(i, true);
    });
    nav.addEventListener("keydown", (event) => {
      const at = tabs.indexOf(document.activeElement);
      if (at < 0) return;
      const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      const i = (to + tabs.length) % tabs.length;
      history.replaceState(null, "", tabs[i].hash);
      select(i, true);
    });
    // A link elsewhere on the page (the summary's "overdue now") opens its tab.
    window.addEventListener("hashchange", () => {
      const i = fromHash();
      if (i !== null) {
        select(i, false);
        panels[i].focus();
      }
    });
  }
  document.querySelectorAll("nav[data-tabs]").forEach(setUp);
})();
