// The live board (participants and facilitators). Entry point: wires the socket,
// the state and the view together; the parts live in ./lib/.
import { announce, newId } from "./lib/dom.js";
import { MENTIONS, PHASES } from "./lib/labels.js";
import { Live } from "./lib/live.js";
import { Draft, Outbox } from "./lib/outbox.js";
import { Countdown, renderHands, renderPhase, renderPresence, renderStatus, renderVotesLeft } from "./lib/panels.js";
import { BoardState } from "./lib/store.js";
import { ColumnsView, renderColumnChoice, renderGroups } from "./lib/view.js";

const root = document.getElementById("board");
const $ = (id) => document.getElementById(id);
const code = root.dataset.code;
const owner = `${code}:${root.dataset.me || root.dataset.role}`;

const state = new BoardState();
const outbox = new Outbox(`fabrique:outbox:${owner}`);
const draft = new Draft(`fabrique:draft:${owner}`);
const uiState = new Map();
let roadmaps = [];

const ui = (id) => {
  if (!uiState.has(id)) uiState.set(id, {});
  return uiState.get(id);
};

function showError(error) {
  const el = $("board-error");
  el.textContent = typeof error === "string" ? error : (error && error.message) || "Action impossible.";
  el.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => (el.hidden = true), 8000);
}

/** Send a command with a fresh client_id; show the server's message when refused. */
async function command(name, payload = {}) {
  const ack = await live.send(name, { ...payload, client_id: newId() });
  if (!ack.ok) showError(ack.error);
  return ack;
}

function redraw(id) {
  view.renderIdea(id);
}

const act = {
  openEditor(idea) {
    Object.assign(ui(idea.id), { editing: true, draft: idea.text, color: idea.color });
    redraw(idea.id);
    view.cardEl(idea.id)?.querySelector("textarea")?.focus();
  },
  closeEditor(idea) {
    Object.assign(ui(idea.id), { editing: false, draft: undefined, color: undefined });
    redraw(idea.id);
    view.cardEl(idea.id)?.querySelector('[data-key="edit"]')?.focus();
  },
  async edit(idea, text, color) {
    const ack = await command("idea.update", { idea_id: idea.id, text, color });
    if (ack.ok) act.closeEditor(idea);
  },
  askRemove(idea) {
    ui(idea.id).confirmDelete = true;
    redraw(idea.id);
    view.cardEl(idea.id)?.querySelector('[data-key="delete-confirm"]')?.focus();
    setTimeout(() => {
      ui(idea.id).confirmDelete = false;
      if (state.ideas.has(idea.id)) redraw(idea.id);
    }, 6000);
  },
  remove(idea) {
    return command("idea.delete", { idea_id: idea.id });
  },
  move(idea, columnId, position) {
    if (position === undefined) {
      const others = state.ideasIn(columnId);
      position = others.length ? others[others.length - 1].position + 1 : 1;
    }
    return command("idea.move", { idea_id: idea.id, column_id: columnId, position });
  },
  group(idea, value) {
    if (value === "__new") {
      ui(idea.id).grouping = true;
      redraw(idea.id);
      view.cardEl(idea.id)?.querySelector('[data-key="group-label"]')?.focus();
      return;
    }
    command("idea.group", { idea_id: idea.id, group_id: value === "" ? null : Number(value) });
  },
  async newGroup(idea, label) {
    if (!label.trim()) return showError("Donnez un nom au groupe.");
    const ack = await command("idea.group", { idea_id: idea.id, group_label: label });
    if (ack.ok) act.cancelGroup(idea);
  },
  cancelGroup(idea) {
    Object.assign(ui(idea.id), { grouping: false, groupLabel: "" });
    redraw(idea.id);
  },
  vote: (idea) => ballot("vote.cast", { idea_id: idea.id }),
  unvote: (idea) => ballot("vote.retract", { idea_id: idea.id }),
  grade: (idea, grade) => (grade === null ? ballot("vote.retract", { idea_id: idea.id }) : ballot("vote.cast", { idea_id: idea.id, grade })),
  openPromote(idea) {
    ui(idea.id).promoting = true;
    redraw(idea.id);
    act.roadmapChosen(idea, ui(idea.id).promote?.roadmap);
  },
  closePromote(idea) {
    Object.assign(ui(idea.id), { promoting: false, promote: undefined });
    redraw(idea.id);
  },
  async roadmapChosen(idea, roadmapId) {
    const roadmap = roadmaps.find((r) => String(r.id) === String(roadmapId)) || roadmaps[0];
    if (roadmap && !roadmap.axes) {
      const detail = await getJSON(`/api/v1/roadmaps/${roadmap.id}`);
      roadmap.axes = (detail && detail.axes) || [];
    }
    redraw(idea.id);
  },
  async promote(idea, p) {
    const payload = { idea_id: idea.id, roadmap_id: Number(p.roadmap), axis_id: Number(p.axis) };
    if (p.title.trim()) payload.title = p.title.trim();
    const ack = await command("idea.promote", payload);
    if (ack.ok) {
      announce("Idée promue dans la feuille de route.");
      act.closePromote(idea);
    }
  },
  retry(clientId) {
    outbox.update(clientId, { error: null, sending: false });
    view.renderPending();
    flush();
  },
  discard(clientId) {
    outbox.remove(clientId);
    view.renderPending();
  },
  raiseHand: () => command("hand.raise"),
  lowerHand: () => command("hand.lower"),
  nextSpeaker: () => command("hand.next"),
};

async function ballot(name, payload) {
  const ack = await command(name, payload);
  if (ack.ok) {
    state.setBallot(ack);
    renderVotesLeft(state);
    redraw(payload.idea_id);
    announce(ballotMessage(name, payload, ack.votes_left));
  } else {
    redraw(payload.idea_id); // puts a grade select back to what the server holds
  }
}

/** What a screen-reader user hears after a vote: what happened and what is left. */
function ballotMessage(name, payload, left) {
  if (state.workshop.settings.vote_method === "majority_judgment") {
    const done = name === "vote.cast" ? `Mention enregistrée : ${MENTIONS[payload.grade]}.` : "Mention retirée.";
    return `${done} Idées restant à évaluer : ${left}.`;
  }
  const done = name === "vote.cast" ? "Gommette ajoutée." : "Gommette retirée.";
  return `${done} Il vous reste ${left} gommette${left > 1 ? "s" : ""}.`;
}

async function getJSON(url) {
  try {
    const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    return r.ok ? await r.json() : null;
  } catch {
    return null;
  }
}

/** Roadmaps a facilitator can promote into; without the endpoint the button stays hidden. */
async function loadRoadmaps() {
  const body = await getJSON("/api/v1/roadmaps");
  const list = Array.isArray(body) ? body : (body && (body.roadmaps || body.items)) || [];
  roadmaps = list.filter((r) => r && r.id !== undefined);
  if (state.workshop.phase === "discuss") view.renderAll();
}

// --- unsent ideas -------------------------------------------------------
let flushing = false;
const RETRY_LATER = new Set(["offline", "timeout", "internal", "rate_limited"]);

async function flush() {
  if (flushing || !live.socket || !live.socket.connected || live.syncing) return;
  flushing = true;
  try {
    // Ideas typed while this runs are picked up by the next turn of the loop.
    for (let item = outbox.ready()[0]; item; item = outbox.ready()[0]) {
      if (!(await sendIdea(item))) break;
    }
  } finally {
    flushing = false;
    view.renderPending();
  }
}

/** Send one unsent idea; false when it must wait for a better moment. */
async function sendIdea(item) {
  const { client_id, column_id, text, color } = item;
  outbox.update(client_id, { sending: true });
  view.renderPending();
  const ack = await live.send("idea.create", { client_id, column_id, text, color });
  if (ack.ok) {
    outbox.remove(client_id);
    if (!state.ideas.has(ack.idea.id)) {
      state.upsertIdea({ ...ack.idea, mine: !state.isFacilitator }, "idea.created");
      redraw(ack.idea.id);
    }
  } else if (RETRY_LATER.has(ack.error.code)) {
    outbox.update(client_id, { sending: false });
    if (ack.error.code !== "offline") setTimeout(flush, ack.error.code === "rate_limited" ? 3000 : 5000);
    return false;
  } else {
    outbox.update(client_id, { sending: false, error: ack.error.message });
    announce(`Idée non envoyée : ${ack.error.message}`);
  }
  view.renderPending();
  return true;
}

// --- the idea form ------------------------------------------------------
const form = $("idea-form");
const input = $("idea-input");

function updateForm() {
  const phase = state.workshop.phase;
  const allowed = phase !== "closed" && (state.isFacilitator || phase === "brainstorm");
  $("idea-fields").disabled = !allowed;
  $("idea-form-hint").textContent = allowed ? "" : phase === "closed"
    ? "L'atelier est clos." : "Les idées se proposent pendant le remue-méninges.";
}

function submitIdea() {
  const text = input.value.trim();
  if (!text) return showError("Écrivez votre idée avant de la publier.");
  if (text.length > 500) return showError("Une idée fait au plus 500 caractères.");
  outbox.add({ column_id: Number($("idea-column").value), text, color: $("idea-color").value });
  input.value = "";
  draft.set("");
  view.renderPending();
  flush();
  input.focus();
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  submitIdea();
});
input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submitIdea();
  }
});
input.addEventListener("input", () => draft.set(input.value));
if (!input.value) input.value = draft.get();

// --- facilitator controls -----------------------------------------------
const phaseSelect = document.querySelector('[data-testid="phase-select"]');
if (phaseSelect) {
  phaseSelect.addEventListener("change", async () => {
    const ack = await command("phase.set", { phase: phaseSelect.value });
    if (!ack.ok) phaseSelect.value = state.workshop.phase;
  });
  $("timer-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const minutes = Number($("timer-minutes").value);
    command("timer.start", { seconds: Math.round(minutes * 60) });
  });
  $("timer-stop").addEventListener("click", () => command("timer.stop"));
}

// --- applying what the server says --------------------------------------
const ctx = { state, outbox, ui, act, roadmaps: () => roadmaps };
const view = new ColumnsView($("columns"), ctx);
const countdown = new Countdown($("timer"), null);

function renderPanels() {
  renderPhase(state);
  renderVotesLeft(state);
  renderGroups($("groups"), state);
  renderHands(state, act);
  updateForm();
}

function onSnapshot() {
  renderColumnChoice($("idea-column"), state.columns);
  view.renderAll();
  renderPanels();
  countdown.set(state.workshop.timer);
}

function onChange(change, env) {
  switch (change.kind) {
    case "idea":
    case "removed":
      redraw(change.id);
      renderGroups($("groups"), state);
      if (change.created && !state.ideas.get(change.id).mine) announce(`Nouvelle idée : ${env.data.text}`);
      break;
    case "tally":
      change.ids.forEach(redraw);
      break;
    case "phase":
      view.renderAll();
      renderPanels();
      announce(`Nouvelle phase : ${PHASES[state.workshop.phase] || state.workshop.phase}.`);
      if (state.workshop.phase === "discuss" && state.isFacilitator) loadRoadmaps();
      break;
    case "timer":
      countdown.set(state.workshop.timer);
      announce(state.workshop.timer ? `Minuteur lancé : ${Math.round(state.workshop.timer.seconds / 60)} min.` : "Minuteur arrêté.");
      break;
    case "hands": {
      renderHands(state, act);
      const s = state.hands.speaking;
      if (s) announce(`La parole est à ${s.name}.`);
      break;
    }
    default:
  }
}

const live = new Live({
  code,
  state,
  onSnapshot,
  onChange,
  onSynced: flush,
  onStatus: (s, message) => {
    renderStatus(s, message);
    view.renderPending();
  },
  onPresence: renderPresence,
});
countdown.live = live;

// The page carries a first snapshot, so the board shows before the socket connects.
const initial = JSON.parse($("board-snapshot").textContent);
state.loadSnapshot(initial);
onSnapshot();
if (state.isFacilitator) loadRoadmaps();
live.start();
// Exposed for tests and page scripts. The minutes panel keeps a socket of its own (lib/live.js
// Connection): rate limits count per socket, and typing must not spend the board's allowance.
window.fabriqueBoard = { socket: live.socket, state };
document.dispatchEvent(new CustomEvent("fabrique:board", { detail: window.fabriqueBoard }));
