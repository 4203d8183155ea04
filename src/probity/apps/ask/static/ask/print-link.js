// "Print this page" needs JavaScript, so the link is hidden until this module shows it.
// A file rather than an inline script, so the Content-Security-Policy can forbid inline code.
for (const container of document.querySelectorAll("[data-probity-print]")) {
  const link = container.querySelector("[data-probity-print-link]");
  if (!link) continue;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  });
  container.hidden = false;
}
