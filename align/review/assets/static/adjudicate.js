// Adjudication page: take one reviewer's reading of a disagreement, posted as JSON with the CSRF token.
"use strict";

const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

document.getElementById("disputes").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-chosen]");
  if (!button) return;
  const region = button.closest(".dispute").dataset.region;
  const response = await fetch("/api/settle", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
    body: JSON.stringify({ region, chosen: button.dataset.chosen }),
  });
  if (response.ok) return location.reload();
  document.getElementById("message-text").textContent = (await response.json()).error;
  document.getElementById("message").hidden = false;
});
