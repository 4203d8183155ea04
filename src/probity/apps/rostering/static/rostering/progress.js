// While a roster is being worked out: ask how far the solver has got every two seconds, say
// so in the live region, and reload the page once it has finished. A file, not an inline
// script, so the Content-Security-Policy can forbid inline code.
const box = document.getElementById("progress");
const text = document.getElementById("progress-text");

async function poll() {
  const answer = await fetch(box.dataset.progressUrl, { credentials: "same-origin" });
  if (!answer.ok) return;
  const progress = await answer.json();
  if (progress.status !== "solving") {
    window.location.reload();
    return;
  }
  if (progress.stalled) {
    text.textContent = "The solver stopped without finishing. Work the roster out again.";
    return;
  }
  text.textContent = `Working it out: ${progress.elapsed} of up to ${progress.time_limit} seconds.`;
  window.setTimeout(poll, 2000);
}

if (box && text) window.setTimeout(poll, 2000);
