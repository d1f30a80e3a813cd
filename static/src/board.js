// The live board (participants and facilitators). Entry point: wires the socket,
// the state and the view together; the parts live in ./lib/.
import { promoteForm, rights } from "./lib/cards.js";
import { FacilitatorConsole } from "./lib/console.js";
import { announce, newId } from "./lib/dom.js";
import { apiHeaders, formatNumber, labels, t, tn } from "./lib/i18n.js";
import { Live } from "./lib/live.js";
import { choose } from "./lib/menu.js";
import { Draft, Outbox } from "./lib/outbox.js";
import { Countdown, renderBottomBar, renderHands, renderPhase, renderPresence, renderStatus, renderVotesLeft } from "./lib/panels.js";
import { renderRestitution } from "./lib/restitution.js";
import { BoardState } from "./lib/store.js";
import { h } from "./lib/dom.js";
import { ColumnsView, renderColumnChoice } from "./lib/view.js";

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

/** An error shown as a toast above the bottom bar (in the viewport) and announced. */
function showError(error) {
  const el = $("board-error");
  el.textContent = typeof error === "string" ? error : (error && error.message) || t("Action impossible.");
  el.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => (el.hidden = true), 8000);
}

/** An error shown on the card where the tap happened (role="alert" there announces it). */
function cardError(ideaId, message) {
  if (!state.ideas.has(ideaId) || !view.cardEl(ideaId)) return showError(message);
  ui(ideaId).error = message;
  redraw(ideaId);
  clearTimeout(ui(ideaId).errorTimer);
  ui(ideaId).errorTimer = setTimeout(() => {
    ui(ideaId).error = null;
    if (state.ideas.has(ideaId)) redraw(ideaId);
  }, 8000);
}

// The facilitator's board actions that board.undo can take back (docs/protocol.md §7.3), and what
// the undo button says for 30 s after one of them.
const UNDOABLE = {
  "idea.move": t("↶ Annuler le déplacement"),
  "idea.group": t("↶ Annuler le regroupement"),
  "idea.hide": t("↶ Annuler le masquage"),
  "idea.delete": t("↶ Annuler la suppression"),
  "group.update": t("↶ Annuler le renommage"),
  "group.merge": t("↶ Annuler la fusion"),
  "group.move": t("↶ Annuler le déplacement du groupe"),
};

/** Send a command with a fresh client_id; show the server's message where it belongs when refused. */
async function command(name, payload = {}, where = payload.idea_id) {
  const ack = await live.send(name, { ...payload, client_id: newId() });
  if (!ack.ok) {
    if (typeof where === "number") cardError(where, ack.error.message);
    else if (where !== "dialog") showError(ack.error);
  } else if (facilitator && UNDOABLE[name]) facilitator.justDid(UNDOABLE[name]);
  return ack;
}

function redraw(id) {
  view.renderIdea(id);
}

const groupLabel = (id) => (state.groups.get(id) || { label: t("Groupe") }).label;
const countOf = (id) => state.ideasOfGroup(id).length;

/** "Idée déplacée vers Idées." once a card reached another column. */
function movedTo(columnId) {
  const column = state.column(columnId);
  return column ? t("Idée déplacée vers {column}.", { column: column.title }) : t("Idée déplacée vers la colonne.");
}

function newGroupLabel() {
  const used = new Set([...state.groups.values()].map((g) => g.label));
  let n = state.groups.size + 1;
  const label = (k) => t("Groupe {n}", { n: k });
  while (used.has(label(n))) n += 1;
  return label(n);
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
    view.cardEl(idea.id)?.querySelector('[data-key="menu"]')?.focus();
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
  /** "Déplacer vers…": another column; the card leaves its group, as when dragged out. */
  chooseColumn(idea) {
    const back = view.cardEl(idea.id)?.querySelector('[data-key="menu"]');
    choose({
      title: t("Déplacer l'idée vers…"),
      hint: idea.text,
      returnTo: back,
      choices: state.columns.map((c) => ({ label: c.title, current: c.id === idea.column_id && !idea.group_id, run: () => act.toColumn(idea, c.id) })),
    });
  },
  async toColumn(idea, columnId) {
    if (idea.group_id && !(await act.ungroup(idea, true)).ok) return;
    const ack = await act.move(idea, columnId);
    if (ack.ok) announce(movedTo(columnId));
  },
  /** "Regrouper avec…": an existing group, a new one, or out of its group. */
  chooseGroup(idea) {
    const back = view.cardEl(idea.id)?.querySelector('[data-key="menu"]');
    const groups = [...state.groups.values()].filter((g) => countOf(g.id) > 0);
    choose({
      title: t("Regrouper l'idée avec…"),
      hint: idea.text,
      returnTo: back,
      choices: groups.map((g) => ({ label: `${g.label} (${countOf(g.id)})`, current: g.id === idea.group_id, run: () => act.joinGroup(idea, g.id) })),
      extra: (close) => {
        const input = h("input", { id: "new-group-label", maxlength: 120, value: "" });
        return [h("form", { class: "new-group-form", onsubmit: (e) => {
          e.preventDefault();
          if (!input.value.trim()) return input.focus();
          close();
          act.newGroup(idea, input.value.trim());
        } }, h("label", { for: "new-group-label" }, t("Ou un nouveau groupe, nommé :")), input, h("button", { type: "submit" }, t("Créer le groupe")))];
      },
    });
  },
  async newGroup(idea, label) {
    const ack = await command("idea.group", { idea_id: idea.id, group_label: label });
    if (ack.ok) announce(t("Groupe « {label} » créé.", { label }));
    return ack;
  },
  /** Into a group; a facilitator's card also goes to the group's column, so the stack stays one. */
  async joinGroup(idea, groupId) {
    const ack = await command("idea.group", { idea_id: idea.id, group_id: groupId });
    if (!ack.ok) return ack;
    announce(tn("Idée ajoutée au groupe « {label} » ({n} idée).", "Idée ajoutée au groupe « {label} » ({n} idées).", countOf(groupId), { label: groupLabel(groupId) }));
    const home = state.groupColumn(groupId);
    const now = state.ideas.get(idea.id);
    if (home && now && now.column_id !== home && rights(now, state).move) {
      const last = state.ideasOfGroup(groupId).filter((i) => i.column_id === home).pop();
      await act.move(now, home, last ? last.position + 0.001 : undefined);
    }
    return ack;
  },
  async ungroup(idea, quiet = false) {
    const ack = await command("idea.group", { idea_id: idea.id, group_id: null });
    if (ack.ok && !quiet) announce(t("Idée sortie du groupe."));
    return ack;
  },
  hide: (idea, hidden) => command("idea.hide", { idea_id: idea.id, hidden }).then((ack) => ack.ok && announce(hidden ? t("Idée masquée aux participants.") : t("Idée de nouveau visible."))),
  approve: (idea) => command("idea.approve", { idea_id: idea.id }).then((ack) => ack.ok && announce(t("Idée validée : elle est sur le tableau."))),
  /** What the projector shows: one idea, one group, or the whole board ({}). */
  async focus(target) {
    const ack = await command("present.focus", target, "toast");
    if (ack.ok) announce(target.idea_id || target.group_id ? t("Projeté à l'écran de la salle.") : t("L'écran de la salle montre tout le tableau."));
  },
  refuse(idea, reason) {
    cardError(idea.id, reason); // role="alert" on the card says it
  },
  // --- groups ---
  renameGroup(g) {
    Object.assign(ui(`g${g.id}`), { renaming: true, label: g.label });
    view.renderAll();
    view.stackEl(g.id)?.querySelector("input")?.focus();
  },
  cancelRename(g) {
    Object.assign(ui(`g${g.id}`), { renaming: false, label: undefined });
    view.renderAll();
    view.stackEl(g.id)?.querySelector(".menu-button")?.focus();
  },
  async saveRename(g, label) {
    if (!label.trim()) return showError(t("Donnez un nom au groupe."));
    const ack = await command("group.update", { group_id: g.id, label: label.trim() });
    if (ack.ok) {
      act.cancelRename(g);
      announce(t("Groupe renommé « {label} ».", { label: label.trim() }));
    }
  },
  chooseGroupColumn(g) {
    choose({
      title: t("Déplacer le groupe « {label} » vers…", { label: g.label }),
      returnTo: view.stackEl(g.id)?.querySelector(".menu-button"),
      choices: state.columns.map((c) => ({ label: c.title, current: state.groupColumn(g.id) === c.id, run: () => act.moveGroup(g.id, c.id) })),
    });
  },
  async moveGroup(groupId, columnId) {
    const ack = await command("group.move", { group_id: groupId, column_id: columnId });
    if (ack.ok) announce(state.column(columnId) ? t("Groupe déplacé vers {column}.", { column: state.column(columnId).title }) : t("Groupe déplacé vers la colonne."));
  },
  chooseMerge(g) {
    const others = [...state.groups.values()].filter((o) => o.id !== g.id && countOf(o.id) > 0);
    choose({
      title: t("Fusionner le groupe « {label} » avec…", { label: g.label }),
      hint: t("Toutes ses idées rejoignent le groupe choisi."),
      returnTo: view.stackEl(g.id)?.querySelector(".menu-button"),
      choices: others.map((o) => ({ label: `${o.label} (${countOf(o.id)})`, run: () => act.merge(g.id, o.id) })),
    });
  },
  async merge(groupId, intoId) {
    const ack = await command("group.merge", { group_id: groupId, into_group_id: intoId });
    if (ack.ok) announce(tn("Groupes fusionnés dans « {label} » ({n} idée).", "Groupes fusionnés dans « {label} » ({n} idées).", countOf(intoId), { label: groupLabel(intoId) }));
  },
  async dissolve(g) {
    for (const idea of state.ideasOfGroup(g.id)) await command("idea.group", { idea_id: idea.id, group_id: null });
    announce(t("Groupe « {label} » défait.", { label: g.label }));
  },
  /** What a drag and drop means (lib/dnd.js decides where it landed). */
  async drop(d, o) {
    if (d.kind === "group") return dropGroup(d.id, o);
    const idea = state.ideas.get(d.id);
    if (!idea) return;
    const can = rights(idea, state);
    if (o.kind === "group") return act.joinGroup(idea, o.groupId);
    if (o.kind === "card") {
      const target = state.ideas.get(o.ideaId);
      if (!target || target.id === idea.id) return;
      if (target.group_id) return act.joinGroup(idea, target.group_id);
      const label = newGroupLabel();
      const ack = await command("idea.group", { idea_id: target.id, group_label: label });
      if (!ack.ok) return;
      const joined = await act.joinGroup(idea, ack.idea.group_id);
      if (joined.ok) announce(t("Groupe « {label} » créé avec 2 idées ; renommez-le depuis son menu.", { label }));
      return;
    }
    if (idea.group_id && !(await act.ungroup(idea, o.kind === "column")).ok) return;
    if (!can.move) return;
    if (o.kind === "column") return act.toColumn(state.ideas.get(idea.id) || idea, o.columnId);
    if (o.kind === "place") {
      const ack = await act.move(idea, o.columnId, o.position);
      if (ack.ok && o.columnId !== idea.column_id) announce(movedTo(o.columnId));
    }
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
    await act.loadAxes(roadmapId);
    redraw(idea.id);
  },
  /** The axes of a roadmap, fetched once (the list of roadmaps does not carry them). */
  async loadAxes(roadmapId) {
    const roadmap = roadmaps.find((r) => String(r.id) === String(roadmapId)) || roadmaps[0];
    if (roadmap && !roadmap.axes) {
      roadmap.axes = roadmap.loading ? await roadmap.loading : null;
      if (!roadmap.axes) {
        roadmap.loading = getJSON(`/api/v1/roadmaps/${roadmap.id}`).then((detail) => (detail && detail.axes) || []);
        roadmap.axes = await roadmap.loading;
      }
    }
  },
  async promote(idea, p) {
    const payload = { idea_id: idea.id, roadmap_id: Number(p.roadmap), axis_id: Number(p.axis) };
    if (p.title.trim()) payload.title = p.title.trim();
    const ack = await command("idea.promote", payload); // refused (already an action's source…): said on the card
    if (ack.ok) {
      announce(t("Idée promue : action « {title} ».", { title: ack.action?.title || p.title }));
      act.closePromote(idea);
    }
  },
  /** A whole group (all its ideas) becomes one action: `idea.promote` with `idea_ids` (docs/protocol.md §9). */
  choosePromoteGroup(g) {
    const ideas = state.ideasOfGroup(g.id);
    if (!ideas.length || !roadmaps.length) return;
    const p = { roadmap: String(roadmaps[0].id), axis: "", title: g.label.slice(0, 200) };
    const error = h("p", { class: "card-error", role: "alert", "data-testid": "promote-error", hidden: true });
    const dialog = choose({
      title: t("Promouvoir le groupe « {label} »", { label: g.label }),
      hint: tn("Son idée devient la source d'une action de feuille de route.", "Ses {n} idées deviennent les sources d'une seule action de feuille de route.", ideas.length),
      returnTo: view.stackEl(g.id)?.querySelector(".menu-button"),
      choices: [],
      extra: (close) => [
        promoteForm({
          id: `promote-group-${g.id}`, p, ctx, submitLabel: t("Promouvoir le groupe"),
          onSubmit: async () => {
            const payload = { idea_ids: state.ideasOfGroup(g.id).map((i) => i.id), roadmap_id: Number(p.roadmap), axis_id: Number(p.axis) };
            if (p.title.trim()) payload.title = p.title.trim();
            const ack = await command("idea.promote", payload, "dialog");
            if (ack.ok) {
              close();
              announce(tn("Groupe promu : {n} idée dans l'action « {title} ».", "Groupe promu : {n} idées dans l'action « {title} ».", payload.idea_ids.length, { title: ack.action?.title || p.title }));
            } else {
              error.textContent = ack.error.message;
              error.hidden = false;
            }
          },
        }),
        error,
      ],
    });
    dialog.querySelector("select")?.focus();
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

/** A stack dropped: on another stack (merge), on a chip or elsewhere in a column (move as one). */
async function dropGroup(groupId, o) {
  if (o.kind === "group" && o.groupId !== groupId) return act.merge(groupId, o.groupId);
  if (o.kind !== "column" && o.kind !== "place") return;
  if (state.groupColumn(groupId) !== o.columnId) return act.moveGroup(groupId, o.columnId);
  if (o.kind !== "place" || !state.isFacilitator) return;
  // Same column, another place: the stack's ideas take consecutive positions there.
  const ideas = state.ideasOfGroup(groupId).filter((i) => i.column_id === o.columnId);
  for (const [k, idea] of ideas.entries()) await act.move(idea, o.columnId, o.position + k * 0.001);
}

async function ballot(name, payload) {
  const ack = await command(name, payload);
  if (ack.ok) {
    state.setBallot(ack);
    renderVotesLeft(state);
    renderBottomBar(state);
    // The budget touches every card's vote button, not only this one.
    view.renderAll();
    announce(ballotMessage(name, payload, ack.votes_left));
  } else if (ack.error?.code === "budget") {
    // Spent from another tab or device: the refusal carries the ballot as it is.
    state.setBallot(ack.error);
    renderVotesLeft(state);
    renderBottomBar(state);
    view.renderAll();
  } else {
    redraw(payload.idea_id);
  }
}

/** What a screen-reader user hears after a vote: what happened and what is left. */
function ballotMessage(name, payload, left) {
  if (state.workshop.settings.vote_method === "majority_judgment") {
    const done = name === "vote.cast" ? t("Mention enregistrée : {grade}.", { grade: labels.grades[payload.grade] }) : t("Mention retirée.");
    return t("{done} Idées restant à évaluer : {left}.", { done, left: formatNumber(left) });
  }
  const done = name === "vote.cast" ? t("Gommette ajoutée.") : t("Gommette retirée.");
  return tn("{done} Il vous reste {n} gommette.", "{done} Il vous reste {n} gommettes.", left, { done });
}

async function getJSON(url) {
  try {
    const r = await fetch(url, { credentials: "same-origin", headers: apiHeaders() });
    return r.ok ? await r.json() : null;
  } catch {
    return null;
  }
}

/** Roadmaps a facilitator can promote into; without the endpoint the button stays hidden. */
async function loadRoadmaps() {
  const body = await getJSON("/api/v1/roadmaps?mine=1"); // only those this facilitator leads (docs/protocol.md §9)
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
      view.renderAll();
    }
    if (ack.idea.pending) announce(ack.message || t("Votre idée est en attente de validation."));
  } else if (RETRY_LATER.has(ack.error.code)) {
    outbox.update(client_id, { sending: false });
    if (ack.error.code !== "offline") setTimeout(flush, ack.error.code === "rate_limited" ? 3000 : 5000);
    return false;
  } else {
    outbox.update(client_id, { sending: false, error: ack.error.message });
    announce(t("Idée non envoyée : {error}", { error: ack.error.message }));
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
  form.hidden = !allowed && !state.isFacilitator && phase !== "setup";

  // After the brainstorm a facilitator adds an idea now and then: one line is enough.
  input.rows = state.isFacilitator && !["setup", "brainstorm"].includes(phase) ? 1 : 2;
  $("idea-form-hint").textContent = allowed ? t("Entrée publie, Maj+Entrée va à la ligne.") : phase === "closed"
    ? t("L'atelier est clos.") : t("Les idées se proposent pendant le remue-méninges.");
}

function submitIdea() {
  const text = input.value.trim();
  if (!text) return showError(t("Écrivez votre idée avant de la publier."));
  if (text.length > 500) return showError(t("Une idée fait au plus {max} caractères.", { max: formatNumber(500) }));
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

// --- filters --------------------------------------------------------------
for (const [id, name] of [["filter-mine", "mine"], ["filter-unvoted", "unvoted"]]) {
  const button = $(id);
  if (!button) continue;
  button.addEventListener("click", () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", on ? "true" : "false");
    view.setFilter(name, on);
  });
}

// --- applying what the server says --------------------------------------
const ctx = { state, outbox, ui, act, roadmaps: () => roadmaps };
const view = new ColumnsView($("columns"), ctx);
const countdown = new Countdown($("timer"), null);
const facilitator = state && $("facilitator-console") ? new FacilitatorConsole({ state, command, code, showError }) : null;

function renderPanels() {
  renderPhase(state);
  renderVotesLeft(state);
  renderBottomBar(state);
  renderHands(state, act);
  updateForm();
  const unvoted = $("filter-unvoted");
  if (unvoted) unvoted.hidden = state.workshop.phase !== "vote";
  if (facilitator) facilitator.render();
}

/** A day's plenary: the ateliers' restitution cards, compact (lib/restitution.js). */
function renderCards() {
  const panel = $("restitution-panel");
  if (panel) panel.hidden = renderRestitution($("restitution-cards"), state.restitution, { compact: true, level: 3 }) === 0;
}

function onSnapshot() {
  renderColumnChoice($("idea-column"), state.columns);
  view.renderAll();
  renderPanels();
  renderCards();
  countdown.set(state.workshop.timer);
}

/** "C'est à vous": the participant given the floor is told, and the phone vibrates where it may. */
function floorGiven(before) {
  const s = state.hands.speaking;
  if (!s || state.isFacilitator || s.id !== state.me.id || (before && before.id === s.id)) return;
  const el = $("your-turn");
  el.hidden = false;
  clearTimeout(floorGiven.timer);
  floorGiven.timer = setTimeout(() => (el.hidden = true), 15000);
  if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
}

function onChange(change, env) {
  switch (change.kind) {
    case "idea":
      if (change.moved) view.renderAll();
      else redraw(change.id);
      if (change.created && !state.ideas.get(change.id).mine) announce(t("Nouvelle idée : {text}", { text: env.data.text }));
      if (facilitator) facilitator.render();
      break;
    case "removed":
      view.renderAll();
      break;
    case "board":
      view.renderAll();
      if (env.type === "group.updated" && !env.data.undo) announce(t("Groupe renommé : {label}.", { label: env.data.group?.label || "" }));
      break;
    case "tally":
      change.ids.forEach((id) => redraw(id));
      if (facilitator) facilitator.render();
      break;
    case "participation":
      if (facilitator) facilitator.render();
      break;
    case "focus":
      view.renderAll();
      if (facilitator) facilitator.render();
      break;
    case "participants":
      if (facilitator) facilitator.participantsChanged();
      break;
    case "restitution":
      renderCards();
      announce(t("Restitution reçue : {title}.", { title: env.data.title }));
      break;
    case "phase":
      view.renderAll();
      renderPanels();
      announce(t("Nouvelle phase : {phase}.", { phase: labels.phases[state.workshop.phase] || state.workshop.phase }));
      if (state.workshop.phase === "discuss" && state.isFacilitator) loadRoadmaps();
      break;
    case "timer":
      countdown.set(state.workshop.timer);
      announce(state.workshop.timer ? t("Minuteur lancé : {minutes} min.", { minutes: formatNumber(Math.round(state.workshop.timer.seconds / 60)) }) : t("Minuteur arrêté."));
      break;
    case "hands": {
      renderHands(state, act);
      const s = state.hands.speaking;
      if (s) announce(s.id === state.me.id && !state.isFacilitator ? t("C'est à vous : vous avez la parole.") : t("La parole est à {name}.", { name: s.name }));
      floorGiven(change.before);
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
  onPresence: (p) => {
    renderPresence(p);
    if (facilitator) facilitator.presence(p);
  },
});
countdown.live = live;

if (facilitator) {
  $("timer-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const minutes = Number($("timer-minutes").value);
    command("timer.start", { seconds: Math.round(minutes * 60) });
  });
  $("timer-stop").addEventListener("click", () => command("timer.stop"));
}

// The page carries a first snapshot, so the board shows before the socket connects.
const initial = JSON.parse($("board-snapshot").textContent);
state.loadSnapshot(initial);
onSnapshot();
if (state.isFacilitator) loadRoadmaps();
live.start();
// Exposed for tests and page scripts. The minutes panel keeps a socket of its own (lib/live.js
// Connection): rate limits count per socket, and typing must not spend the board's allowance.
window.fabriqueBoard = { socket: live.socket, state, view };
document.dispatchEvent(new CustomEvent("fabrique:board", { detail: window.fabriqueBoard }));
