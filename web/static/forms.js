// While a form's request runs its submit button is disabled and says "Saving...", so a
// double click cannot send the step twice (plain forms and htmx alike). The label changes
// at once, in the submit event, before any request leaves; the button is disabled just
// after it, once htmx has read the form (a disabled submitter is left out of the form's
// data). If the answer leaves the form in place (an error without a swap) the button is
// given back.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  const button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
  if (!button || button.disabled || button.getAttribute("aria-busy") === "true") return;
  button.dataset.label = button.textContent;
  button.textContent = "Saving...";
  button.setAttribute("aria-busy", "true");
  setTimeout(() => {
    button.disabled = true;
  }, 0);
});
document.addEventListener("htmx:finally:request", () => {
  for (const button of document.querySelectorAll("button[aria-busy=true]")) {
    button.textContent = button.dataset.label || button.textContent;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
});
