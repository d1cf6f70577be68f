// Review page behaviour: keyboard and button actions, posted as JSON with the CSRF token.
// Corpus text is only ever read and written through textContent / value, never as HTML.
"use strict";

const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const message = document.getElementById("message");
const reloadButton = document.getElementById("reload");
let current = null;

const pairs = () => Array.from(document.querySelectorAll(".pair"));

function select(row) {
  if (!row) return;
  if (current) current.classList.remove("current");
  current = row;
  row.classList.add("current");
  row.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest" });
}

function step(offset) {
  const rows = pairs();
  const next = rows[rows.indexOf(current) + offset];
  if (next) return select(next);
  const pageLink = document.getElementById(offset > 0 ? "page-next" : "page-previous");
  if (pageLink) location.href = pageLink.href;
}

function showMessage(text, conflict) {
  document.getElementById("message-text").textContent = text;
  reloadButton.hidden = !conflict;
  message.hidden = false;
}

// Versions the page holds for the pair and its neighbours: the server refuses a change
// to any of them that was based on an older version.
function versions(row) {
  const known = { [row.dataset.id]: Number(row.dataset.version) };
  for (const side of ["previous", "next"]) {
    if (row.dataset[side]) known[row.dataset[side]] = Number(row.dataset[side + "Version"]);
  }
  return known;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
    body: JSON.stringify(body),
  });
  const reply = await response.json();
  if (!response.ok) {
    showMessage(reply.error, response.status === 409);
    return null;
  }
  message.hidden = true;
  return reply;
}

function showProgress(progress) {
  for (const [name, value] of Object.entries(progress)) {
    const counter = document.querySelector(`[data-count="${name}"]`);
    if (counter) counter.textContent = value;
  }
  for (const [name, count] of Object.entries(progress.by_reviewer || {})) {
    const counter = document.querySelector(`[data-reviewer="${CSS.escape(name)}"]`);
    if (counter) counter.textContent = count;
  }
  const bar = document.querySelector("#progress progress");
  bar.max = progress.total;
  bar.value = progress.reviewed;
  const pending = document.getElementById("gold-pending");
  if (pending) {
    const left = progress.total - progress.reviewed;
    pending.querySelector('[data-count="unsettled"]').textContent = left;
    pending.hidden = left === 0;
    document.getElementById("gold").hidden = left !== 0;
  }
}

function addHistory(entry) {
  const item = document.createElement("li");
  item.textContent = `${entry.at.slice(11, 16)} ${entry.reviewer}: ${entry.summary}`;
  document.getElementById("history").prepend(item);
}

function reloadAt(pairId) {
  if (pairId) sessionStorage.setItem("review-focus", pairId);
  location.reload();
}

async function apply(reply) {
  if (!reply) return;
  if (reply.reload) return reloadAt(reply.focus);
  showProgress(reply.progress);
  addHistory(reply.history);
  for (const bead of reply.beads) {
    const row = document.getElementById(`p-${bead.id}`);
    row.dataset.version = bead.version;
    row.dataset.status = bead.status || "unreviewed";
    row.querySelector(".status").textContent = row.dataset.status;
    for (const other of document.querySelectorAll(`[data-previous="${bead.id}"]`)) other.dataset.previousVersion = bead.version;
    for (const other of document.querySelectorAll(`[data-next="${bead.id}"]`)) other.dataset.nextVersion = bead.version;
  }
}

async function act(row, action, extra = {}) {
  const reply = await post(`/api/pairs/${row.dataset.id}/${action}`, { versions: versions(row), ...extra });
  await apply(reply);
  return reply;
}

async function review(row, status) {
  if (await act(row, status)) step(1);
}

// Inline editor: one line per sentence; Ctrl+Enter saves, Escape cancels.
function edit(row, field) {
  const side = row.querySelector(`.side.${field}`);
  if (side.querySelector("textarea")) return;
  const lines = Array.from(side.querySelectorAll(".sentence .text"), (span) => span.textContent);
  const editor = document.createElement("textarea");
  editor.value = lines.join("\n");
  editor.rows = Math.max(2, lines.length + 1);
  editor.setAttribute("aria-label", field === "tgt" ? "English text" : "Draft");
  const hint = document.createElement("span");
  hint.className = "edit-hint";
  hint.textContent = "One line per sentence · Ctrl+Enter saves · Esc cancels";
  side.append(editor, hint);
  side.classList.add("editing");
  editor.focus();
  const close = () => {
    editor.remove();
    hint.remove();
    side.classList.remove("editing");
    select(row);
  };
  editor.addEventListener("keydown", async (event) => {
    event.stopPropagation();
    if (event.key === "Escape") close();
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (await act(row, "edit", { field, text: editor.value })) close();
    }
  });
}

async function sentenceOp(row, button) {
  const { op, side, direction, first } = button.dataset;
  await act(row, op, op === "move" ? { side, direction } : { side, first: Boolean(first) });
}

function runButton(row, button) {
  const op = button.dataset.op;
  if (op === "accepted" || op === "rejected") return review(row, op);
  if (op === "edit-tgt") return edit(row, "tgt");
  if (op === "edit-draft") return edit(row, "draft");
  if (op === "move" || op === "unalign") return sentenceOp(row, button);
  return act(row, op);
}

async function undo() {
  await apply(await post("/api/undo", {}));
}

const keys = {
  j: () => step(1),
  k: () => step(-1),
  a: () => review(current, "accepted"),
  r: () => review(current, "rejected"),
  e: () => edit(current, "tgt"),
  d: () => edit(current, "draft"),
  m: () => act(current, "merge"),
  s: () => act(current, "split"),
  z: undo,
  "/": () => document.querySelector('input[name="q"]').focus(),
  "?": () => document.getElementById("help").showModal(),
};

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, select, textarea, dialog")) return;
  const handler = keys[event.key];
  if (!handler || (!current && event.key.match(/^[armeds]$/))) return;
  event.preventDefault();
  handler();
});

document.getElementById("pairs").addEventListener("click", (event) => {
  const row = event.target.closest(".pair");
  if (!row) return;
  select(row);
  const button = event.target.closest("button[data-op]");
  if (button) runButton(row, button);
});

document.getElementById("undo").addEventListener("click", undo);
document.getElementById("help-open").addEventListener("click", () => document.getElementById("help").showModal());
reloadButton.addEventListener("click", () => reloadAt(current && current.dataset.id));
for (const control of document.querySelectorAll("#filters select, #filters input[type=checkbox]")) {
  control.addEventListener("change", () => control.form.submit());
}

const focusId = sessionStorage.getItem("review-focus");
sessionStorage.removeItem("review-focus");
select(document.getElementById(`p-${focusId}`) || pairs()[0]);
