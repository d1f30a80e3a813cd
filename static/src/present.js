// Presenter (projector) view: follows the workshop live, read-only on screen,
// with keyboard shortcuts for the facilitator (N/→ next phase, T timer, S next speaker).
// The projector is seen by the whole room, so it shows what a participant may see:
// no card text during a private brainstorm, no tallies before the end with reveal_votes "end".
import { h } from "./lib/dom.js";
import { PHASES } from "./lib/labels.js";
import { Live } from "./lib/live.js";
import { Countdown, renderStatus } from "./lib/panels.js";
import { BoardState } from "./lib/store.js";

const ORDER = ["setup", "brainstorm", "cluster", "vote", "discuss", "closed"];
const BOARD_PHASES = new Set(["setup", "brainstorm", "cluster"]);
const RESULTS_EVERY = 1000; // ms: at most one results refresh per second, however fast votes come

const root = document.getElementById("present");
const config = JSON.parse(document.getElementById("present-data").textContent);
const state = new BoardState();
const $ = (id) => document.getElementById(id);

const live = new Live({
  code: config.code,
  state,
  idPrefix: "present-",
  onSnapshot: () => renderAll(),
  onChange: (change) => onChange(change),
  onSynced: () => {},
  onStatus: renderStatus,
  onPresence: (p) => renderCounts(p),
});

function onChange(change) {
  switch (change.kind) {
    case "idea":
    case "removed":
      renderBoard();
      break;
    case "tally":
      refreshResults();
      break;
    case "phase":
      renderAll();
      break;
    case "timer":
      countdown.set(state.workshop.timer);
      break;
    case "hands":
      renderHands();
      break;
    default:
  }
}

// ---------------------------------------------------------------- rendering

function renderAll() {
  const phase = state.workshop.phase;
  const label = $("present-phase");
  label.textContent = PHASES[phase] || phase;
  label.dataset.phase = phase;
  root.dataset.phase = phase;
  $("present-prompt").textContent = state.workshop.prompt || "";
  const join = $("present-join");
  join.hidden = phase === "closed";
  join.classList.toggle("is-big", phase === "setup");
  const onBoard = BOARD_PHASES.has(phase);
  $("view-board").hidden = !onBoard;
  $("view-results").hidden = onBoard;
  renderBoard();
  renderHands();
  countdown.set(state.workshop.timer);
  if (!onBoard) refreshResults(true);
}

function privateNow() {
  const s = state.workshop.settings || {};
  return s.private_brainstorm !== false && (state.workshop.phase === "setup" || state.workshop.phase === "brainstorm");
}

function renderBoard() {
  if (!BOARD_PHASES.has(state.workshop.phase)) return;
  const hide = privateNow();
  const board = $("view-board");
  const known = new Set(state.columns.map((c) => c.id));
  // Columns renamed or added by the facilitator arrive with a fresh snapshot.
  if ([...board.querySelectorAll(".present-column")].map((el) => Number(el.dataset.columnId)).join() !== [...known].join()) {
    board.replaceChildren(...state.columns.map(columnEl));
  }
  for (const column of state.columns) {
    const section = board.querySelector(`.present-column[data-column-id="${column.id}"]`);
    const ideas = state.ideasIn(column.id);
    const count = section.querySelector(".present-count");
    count.hidden = !hide;
    count.textContent = `${ideas.length} idée${ideas.length > 1 ? "s" : ""} déposée${ideas.length > 1 ? "s" : ""}`;
    section.querySelector(".present-cards").replaceChildren(...(hide ? [] : ideas.map(cardEl)));
  }
}

function columnEl(column) {
  return h("section", { class: "present-column", dataset: { columnId: String(column.id) }, "aria-labelledby": `pcol-${column.id}` },
    h("h3", { id: `pcol-${column.id}` }, column.title),
    h("p", { class: "present-count", hidden: true }),
    h("ul", { class: "present-cards" }));
}

function cardEl(idea) {
  const group = idea.group_id ? state.groups.get(idea.group_id) : null;
  return h("li", { class: `present-card note-${idea.color || "yellow"}`, "data-testid": "present-card", dataset: { ideaId: String(idea.id) } },
    h("span", { class: "present-card-text" }, idea.text),
    group ? h("span", { class: "chip" }, group.label) : null,
    idea.proxy ? h("span", { class: "badge" }, "table") : null);
}

function renderHands() {
  const { queue, speaking } = state.hands;
  const side = (p) => (p.attendance === "remote" ? "à distance" : "salle");
  const speakingEl = $("speaking");
  speakingEl.replaceChildren(...(speaking ? [speaking.name, " ", h("span", { class: `badge side-${speaking.attendance}` }, side(speaking))] : ["personne"]));
  $("queue").replaceChildren(...queue.map((p) => h("li", {}, p.name, " ", h("span", { class: `badge side-${p.attendance}` }, side(p)))));
  $("queue-empty").hidden = queue.length > 0;
}

function renderCounts(p) {
  const counts = (p && p.counts) || {};
  $("count-room").textContent = String(counts.room ?? 0);
  $("count-remote").textContent = String(counts.remote ?? 0);
}

// Results come from the server as HTML (the ranking partial), escaped there.
// At most one request per RESULTS_EVERY; a change during a request triggers one more.
const results = { timer: null, busy: false, again: false, last: 0 };

function refreshResults(now = false) {
  if (BOARD_PHASES.has(state.workshop.phase)) return;
  if (results.busy) {
    results.again = true;
    return;
  }
  if (results.timer) {
    if (!now) return;
    clearTimeout(results.timer);
  }
  const wait = now ? 0 : Math.max(0, results.last + RESULTS_EVERY - Date.now());
  results.timer = setTimeout(loadResults, wait);
}

async function loadResults() {
  results.timer = null;
  results.busy = true;
  results.last = Date.now();
  try {
    const response = await fetch(config.results_url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (response.ok) {
      const view = $("view-results");
      view.innerHTML = await response.text();
      view.dataset.seq = String(state.seq);
    }
  } catch {
    // Network hiccup: the next tally or phase change asks again.
  } finally {
    results.busy = false;
    if (results.again) {
      results.again = false;
      refreshResults();
    }
  }
}

// Big figures seen from the back of the room, turning exactly on the second.
const countdown = new Countdown($("present-timer"), live, { every: 250, round: Math.ceil, prefix: "" });

// ---------------------------------------------------------------- shortcuts

function feedback(message) {
  $("present-feedback").textContent = message;
}

async function command(name, payload = {}) {
  const ack = await live.command(name, payload);
  if (!ack.ok) feedback(ack.error.message);
  return ack;
}

const shortcuts = {
  nextPhase() {
    const next = ORDER[ORDER.indexOf(state.workshop.phase) + 1];
    if (!next) return feedback("L’atelier est clos : dernière phase atteinte.");
    feedback(`Phase suivante : ${PHASES[next]}.`);
    return command("phase.set", { phase: next });
  },
  toggleTimer() {
    if (countdown.running()) {
      feedback("Minuteur arrêté.");
      return command("timer.stop");
    }
    const seconds = timerSeconds();
    feedback(`Minuteur lancé : ${Math.round(seconds / 60)} min.`);
    return command("timer.start", { seconds });
  },
  nextSpeaker() {
    feedback("Parole donnée à la personne suivante.");
    return command("hand.next");
  },
};

function timerSeconds() {
  const minutes = Number($("timer-minutes").value);
  return Number.isInteger(minutes) && minutes >= 1 && minutes <= 240 ? minutes * 60 : config.timer_default;
}

function typing(el) {
  return Boolean(el) && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

document.addEventListener("keydown", (e) => {
  if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const action = { n: shortcuts.nextPhase, ArrowRight: shortcuts.nextPhase, t: shortcuts.toggleTimer, s: shortcuts.nextSpeaker }[key];
  if (!action) return;
  e.preventDefault();
  action();
});

live.start();
