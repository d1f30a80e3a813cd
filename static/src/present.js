// Presenter (projector) view: the whole board on one screen, whatever its size, read from the back
// of the room. It shows what a participant may see (the server filters every event and snapshot
// for it). Opened by a logged-in facilitator it also takes N / T / S; opened through a presenter
// link (config.presenter) it sends no command at all: the keyboard then only changes this screen.
//
// Fit: the board is a grid of equal "lanes"; each column spans lanes in proportion to its cards,
// and the card font is the largest (binary search) at which every column holds all its cards.
// Below the smallest readable size, groups collapse into stacks (label + count); below that again,
// the cards are split into pages that turn by themselves (and with Page ↓ / Page ↑).
import { h } from "./lib/dom.js";
import { apiHeaders, formatNumber, labels, t, tn } from "./lib/i18n.js";
import { Live } from "./lib/live.js";
import { Countdown, renderStatus } from "./lib/panels.js";
import { renderRestitution } from "./lib/restitution.js";
import { BoardState } from "./lib/store.js";

const ORDER = ["setup", "brainstorm", "cluster", "vote", "discuss", "closed"];
const BOARD_PHASES = new Set(["setup", "brainstorm", "cluster"]);
const RESULTS_EVERY = 1000; // ms: at most one results refresh per second, however fast votes come
const PAGE_EVERY = 12000; // ms a page stays up before the next one
const LANE_EM = 9.5; // narrowest card, in card-font ems
const root = document.getElementById("present");
const config = JSON.parse(document.getElementById("present-data").textContent);
const controls = !config.presenter;
const state = new BoardState();
const $ = (id) => document.getElementById(id);

class PresenterLive extends Live {
  // A replaced presenter link cannot catch up any more: say so instead of retrying forever.
  synced(err, ack, since) {
    if (!err && ack && !ack.ok && ack.error && ack.error.code === "unauthorized") return revoked(ack.error.message);
    return super.synced(err, ack, since);
  }
}

const live = new PresenterLive({
  code: config.code,
  state,
  idPrefix: "present-",
  auth: config.presenter ? { presenter: config.presenter } : {},
  onSnapshot: () => renderAll(),
  onChange: (change, env) => onChange(change, env),
  onSynced: () => {},
  onStatus: renderStatus,
  onPresence: (p) => renderCounts(p),
});

const view = { qrBig: null, selected: null, localFocus: null, dismissed: false, page: 0, pages: 1, pageTimer: null, fitTimer: null };

function onChange(change, env) {
  if (env && env.type === "present.focused") {
    state.workshop.focus = (env.data && env.data.focus) || null;
    view.dismissed = false;
    view.localFocus = null;
    return renderFocus();
  }
  if (env && env.type === "presenter.linked" && config.presenter) return revoked();
  switch (change.kind) {
    case "idea":
    case "removed":
    case "board":
      scheduleFit();
      renderFocus();
      break;
    case "tally":
      refreshResults();
      renderFocus();
      break;
    case "participation":
      renderProgress();
      break;
    case "phase":
      renderAll();
      break;
    case "timer":
      syncTimerField();
      countdown.set(state.workshop.timer);
      break;
    case "hands":
      renderHands();
      break;
    case "restitution":
      renderCards();
      break;
    default:
  }
}

// ---------------------------------------------------------------- a day's plenary: the ateliers' cards

// Side by side above the board, one equal track per card; the font is the largest (from the base text down to
// 10 px) at which every card shows all it holds: nothing scrolls, like the rest of the projector.
function renderCards(refit = true) {
  const section = $("present-restitution");
  const n = renderRestitution($("restitution-cards"), state.restitution, { level: 4 });
  const appeared = section.hidden && n > 0;
  section.hidden = n === 0;
  section.style.setProperty("--cards", String(Math.max(n, 1)));
  if (appeared) renderQr();
  fitCards();
  if (refit && n) {
    // the board and the results get the room that is left
    if (BOARD_PHASES.has(state.workshop.phase)) scheduleFit(true);
    else refreshResults(true);
  }
}

function fitCards() {
  const list = $("restitution-cards");
  if ($("present-restitution").hidden) return;
  const over = () =>
    [...list.children].some((c) => c.scrollHeight > c.clientHeight + 1 || c.scrollWidth > c.clientWidth + 1);
  let px = Math.round(window.innerHeight / 45);
  list.style.fontSize = `${px}px`;
  while (px > 10 && over()) {
    px -= 1;
    list.style.fontSize = `${px}px`;
  }
  list.dataset.fontPx = String(px);
}

function revoked(message) {
  live.socket.disconnect();
  renderStatus("offline", message || t("ce lien de projection a été remplacé : demandez le nouveau lien à l'animation."));
  root.classList.add("is-revoked");
}

// ---------------------------------------------------------------- phases

function renderAll() {
  const phase = state.workshop.phase;
  const label = $("present-phase");
  label.textContent = labels.phases[phase] || phase;
  label.dataset.phase = phase;
  if (root.dataset.phase !== phase) view.qrBig = null; // each phase starts with its own QR size
  root.dataset.phase = phase;
  $("present-title").textContent = state.workshop.title || $("present-title").textContent;
  $("present-prompt").textContent = state.workshop.prompt || "";
  $("present-join").hidden = phase === "closed";
  renderQr();
  const onBoard = BOARD_PHASES.has(phase);
  $("view-results").hidden = onBoard;
  $("view-board").hidden = !onBoard;
  root.dataset.view = onBoard ? "board" : "results";
  renderHands();
  renderCards(false);
  renderProgress();
  syncTimerField();
  countdown.set(state.workshop.timer);
  if (onBoard) scheduleFit(true);
  else {
    clearInterval(view.pageTimer);
    $("present-pages").hidden = true;
    $("present-private").hidden = true;
    refreshResults(true);
  }
  renderFocus();
}

function renderQr() {
  // A plenary showing the ateliers' cards gives them the width: the QR starts in the corner (Q enlarges it).
  const cards = (state.restitution || []).length > 0;
  const big = view.qrBig ?? (state.workshop.phase === "setup" && !cards);
  root.dataset.qr = big ? "big" : "corner";
  if (BOARD_PHASES.has(state.workshop.phase)) scheduleFit(true);
}

function renderProgress() {
  const el = $("vote-progress");
  const p = state.participation;
  const show = state.workshop.phase === "vote" && p && typeof p.voters === "number";
  el.hidden = !show;
  if (show) el.textContent = t("{voters} / {participants} ont voté", { voters: formatNumber(p.voters), participants: formatNumber(p.participants) });
}

// ---------------------------------------------------------------- the board, fitted

function privateNow() {
  const s = state.workshop.settings || {};
  return s.private_brainstorm !== false && (state.workshop.phase === "setup" || state.workshop.phase === "brainstorm");
}

// A facilitator's state also holds what the room may not see (moderation): the projector leaves it out.
const forRoom = (idea) => !idea.hidden && !idea.pending;

function itemsOf(column) {
  return state.itemsIn(column.id)
    .map((item) => (item.kind === "idea" ? item : { ...item, ideas: item.ideas.filter(forRoom) }))
    .filter((item) => (item.kind === "idea" ? forRoom(item.idea) : item.ideas.length > 0));
}

/** In a private brainstorm: how many ideas a column holds, which only a facilitator's screen knows. */
function privateLabel(column) {
  return controls ? countLabel(state.ideasIn(column.id).filter(forRoom).length) : null;
}

function scheduleFit(now = false) {
  clearTimeout(view.fitTimer);
  // Ideas arrive in bursts: lay out once per burst, not once per card.
  view.fitTimer = setTimeout(fitBoard, now ? 0 : 150);
}

// A card in a group is drawn inside its group's frame or stack: it needs no label of its own.
function cardEl(idea) {
  return h("li", { class: `present-card note-${idea.color || "yellow"}`, "data-testid": "idea-card", "data-idea-id": String(idea.id), dataset: { key: `i${idea.id}` } },
    h("span", { class: "present-card-text" }, idea.text),
    idea.proxy ? h("span", { class: "badge" }, t("table")) : null);
}

function stackEl(item) {
  const n = item.ideas.length;
  return h("li", { class: "present-stack", "data-testid": "idea-stack", "data-count": String(n), "data-group-id": String(item.group.id), dataset: { key: `g${item.group.id}` } },
    h("span", { class: "present-stack-label" }, item.group.label),
    h("span", { class: "present-stack-count" }, tn("{n} idée", "{n} idées", n)));
}

function groupEl(item) {
  return h("li", { class: "present-group", dataset: { key: `g${item.group.id}` }, "data-group-id": String(item.group.id) },
    h("span", { class: "present-group-label" }, item.group.label),
    h("ul", { class: "present-group-cards" }, ...item.ideas.map(cardEl)));
}

function itemEl(item, stacks) {
  if (item.kind === "idea") return cardEl(item.idea);
  return stacks ? stackEl(item) : groupEl(item);
}

/** Lay out `entries` ({column, item}) at `px`; true when every column holds its cards. */
function layout(entries, px, stacks) {
  const board = $("view-board");
  board.style.setProperty("--card-px", `${px}px`);
  const columns = state.columns;
  const lanes = Math.max(columns.length, Math.floor((board.clientWidth + 8) / (LANE_EM * px + 8)));
  const counts = columns.map((c) => entries.filter((e) => e.column === c).reduce((n, e) => n + weight(e.item, stacks), 0));
  const spans = share(lanes, counts);
  board.style.setProperty("--lanes", String(lanes));
  const hide = privateNow();
  $("present-private").hidden = !(hide && !controls); // a presenter link knows nothing of private ideas
  board.replaceChildren(...columns.map((column, i) => {
    const mine = entries.filter((e) => e.column === column).map((e) => itemEl(e.item, stacks));
    const all = itemsOf(column);
    const list = h("ul", { class: "present-cards" }, ...(hide ? [] : mine));
    list.style.setProperty("--span", String(spans[i]));
    const section = h("section", { class: "present-column", dataset: { columnId: String(column.id) }, "aria-labelledby": `pcol-${column.id}` },
      h("h3", { id: `pcol-${column.id}` }, column.title),
      hide && controls ? h("p", { class: "present-count" }, privateLabel(column)) : null,
      hide || all.length ? null : h("p", { class: "present-empty" }, "—"),
      list);
    section.style.setProperty("--span", String(spans[i]));
    return section;
  }));
  return [...board.querySelectorAll(".present-cards")].every((ul) => ul.scrollHeight <= ul.clientHeight + 1)
    && board.scrollWidth <= board.clientWidth + 1;
}

const weight = (item, stacks) => (item.kind === "idea" || stacks ? 1 : item.ideas.length + 1);
const countLabel = (n) => tn("{n} idée déposée", "{n} idées déposées", n);

/** `lanes` split among columns: one each, then each spare lane to the column with the most rows. */
function share(lanes, counts) {
  const spans = counts.map(() => 1);
  for (let spare = lanes - counts.length; spare > 0; spare -= 1) {
    let worst = 0;
    counts.forEach((c, i) => {
      if (Math.ceil(c / spans[i]) > Math.ceil(counts[worst] / spans[worst])) worst = i;
    });
    if (Math.ceil(counts[worst] / spans[worst]) <= 1) break;
    spans[worst] += 1;
  }
  // Lanes nobody needs widen every column alike rather than stay empty.
  let left = lanes - spans.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % spans.length, left -= 1) spans[i] += 1;
  return spans;
}

function fontRange() {
  // 18 px at 1080 lines (the floor for the back of the room), scaled with the screen.
  const scale = window.innerHeight / 1080;
  return { min: Math.max(12, Math.round(18 * scale)), max: Math.max(16, Math.round(40 * scale)), page: Math.max(12, Math.round(20 * scale)) };
}

/** The largest font in [min, max] at which `entries` fit, or 0. */
function largestFit(entries, stacks, min, max) {
  if (!layout(entries, min, stacks)) return 0;
  let lo = min;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (layout(entries, mid, stacks)) lo = mid;
    else hi = mid - 1;
  }
  layout(entries, lo, stacks);
  return lo;
}

function entriesAll() {
  return state.columns.flatMap((column) => itemsOf(column).map((item) => ({ column, item })));
}

function fitBoard() {
  if (!BOARD_PHASES.has(state.workshop.phase) || !state.loaded) return;
  const keep = view.selected;
  const { min, max, page } = fontRange();
  const entries = entriesAll();
  const groups = entries.some((e) => e.item.kind === "group");
  let mode = "full";
  let px = largestFit(entries, false, min, max);
  if (!px && groups) {
    mode = "stacks";
    px = largestFit(entries, true, min, max);
  }
  if (px) setPages([entries], mode, px);
  else paginate(entries, groups, page);
  reselect(keep);
}

/** Pages at the `px` font: each takes the same share of every column, as many as fit. */
function paginate(entries, stacks, px) {
  // Interleave the columns so every page shows a slice of each, in the columns' order.
  const ordered = [];
  for (const column of state.columns) {
    const own = entries.filter((e) => e.column === column);
    own.forEach((e, i) => ordered.push({ ...e, at: (i + 0.5) / own.length }));
  }
  ordered.sort((a, b) => a.at - b.at || state.columns.indexOf(a.column) - state.columns.indexOf(b.column));
  const pages = [];
  let start = 0;
  while (start < ordered.length) {
    let lo = start + 1;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (layout(byColumn(ordered.slice(start, mid)), px, stacks)) lo = mid;
      else hi = mid - 1;
    }
    pages.push(byColumn(ordered.slice(start, lo)));
    start = lo;
  }
  setPages(pages, stacks ? "stacks" : "full", px, stacks);
}

function byColumn(slice) {
  return [...slice].sort((a, b) => state.columns.indexOf(a.column) - state.columns.indexOf(b.column) || a.at - b.at);
}

function setPages(pages, mode, px, stacks = mode === "stacks") {
  view.pageList = pages;
  view.pages = pages.length;
  view.px = px;
  view.stacks = stacks;
  view.page = Math.min(view.page, pages.length - 1);
  const board = $("view-board");
  board.dataset.mode = pages.length > 1 ? "pages" : mode;
  board.dataset.px = String(px);
  showPage(view.page);
  clearInterval(view.pageTimer);
  view.pageTimer = pages.length > 1 ? setInterval(() => !focusTarget() && showPage((view.page + 1) % view.pages), PAGE_EVERY) : null;
}

function showPage(index) {
  view.page = (index + view.pages) % view.pages;
  layout(view.pageList[view.page] || [], view.px, view.stacks);
  const el = $("present-pages");
  el.hidden = view.pages < 2;
  el.textContent = t("Page {page} / {pages} — les pages tournent toutes les {seconds} s", {
    page: formatNumber(view.page + 1),
    pages: formatNumber(view.pages),
    seconds: formatNumber(PAGE_EVERY / 1000),
  });
  markSelected();
}

function turn(step) {
  if (view.pages < 2) return;
  clearInterval(view.pageTimer); // someone is driving: restart the rhythm from this page
  showPage(view.page + step);
  view.pageTimer = setInterval(() => !focusTarget() && showPage((view.page + 1) % view.pages), PAGE_EVERY);
}

// ---------------------------------------------------------------- selection and focus

/** What the arrows move through: the board's cards and groups, or the ranking's rows. */
function shownItems() {
  if (!BOARD_PHASES.has(state.workshop.phase)) {
    const rows = [...$("view-results").querySelectorAll("[data-idea-id], [data-group-id]")];
    for (const row of rows) row.dataset.key = row.dataset.ideaId ? `i${row.dataset.ideaId}` : `g${row.dataset.groupId}`;
    return rows;
  }
  return [...$("view-board").querySelectorAll(".present-stack, .present-group, .present-cards > .present-card")];
}

function reselect(key) {
  view.selected = key;
  markSelected();
}

function markSelected() {
  const box = BOARD_PHASES.has(state.workshop.phase) ? $("view-board") : $("view-results");
  for (const el of document.querySelectorAll(".present .is-selected")) el.classList.remove("is-selected");
  if (!view.selected) return;
  const el = box.querySelector(`[data-key="${view.selected}"]`);
  if (el) el.classList.add("is-selected");
}

function move(step) {
  let items = shownItems();
  let index = items.findIndex((el) => el.dataset.key === view.selected);
  if (index < 0) index = step > 0 ? -1 : items.length;
  let next = index + step;
  if ((next < 0 || next >= items.length) && view.pages > 1) {
    turn(step > 0 ? 1 : -1);
    items = shownItems();
    next = step > 0 ? 0 : items.length - 1;
  }
  next = Math.max(0, Math.min(items.length - 1, next));
  if (items[next]) reselect(items[next].dataset.key);
}

/** What the screen zooms on: the local zoom first, then the facilitator's, unless dismissed here. */
function focusTarget() {
  if (view.localFocus) return view.localFocus;
  return view.dismissed ? null : state.workshop.focus || null;
}

function zoom() {
  const key = view.selected;
  if (!key) return;
  const target = key[0] === "g" ? { group_id: Number(key.slice(1)) } : { idea_id: Number(key.slice(1)) };
  if (controls) {
    command("present.focus", target);
  } else {
    view.localFocus = target;
    renderFocus();
  }
}

function unzoom() {
  if (controls && state.workshop.focus) command("present.focus", {});
  view.localFocus = null;
  view.dismissed = true;
  renderFocus();
}

function renderFocus() {
  const target = focusTarget();
  const box = $("view-focus");
  const one = target && target.idea_id ? state.ideas.get(target.idea_id) : null;
  const idea = one && forRoom(one) && !(privateNow() && !controls) ? one : null;
  const ideas = target && target.group_id ? [...state.ideas.values()].filter((i) => i.group_id === target.group_id && forRoom(i)) : [];
  const shown = Boolean(idea) || ideas.length > 0;
  box.hidden = !shown;
  root.dataset.focus = shown ? "on" : "off";
  box.dataset.target = shown ? (idea ? `idea:${idea.id}` : `group:${target.group_id}`) : "";
  if (!shown) return;
  box.replaceChildren(idea ? focusIdea(idea) : focusGroup(state.groups.get(target.group_id), ideas));
  const fit = box.querySelector(".focus-fit");
  fitText(fit, fit, 16, Math.round(window.innerHeight / (idea ? 9 : 16)));
}

function votesLine(idea) {
  if (idea.votes === null || idea.votes === undefined || BOARD_PHASES.has(state.workshop.phase)) return null;
  if (state.workshop.phase === "vote" && state.workshop.settings?.reveal_votes === "end") return null; // as the room sees it
  if (state.workshop.settings?.vote_method === "majority_judgment") {
    return typeof idea.grade === "number" ? h("p", { class: "focus-votes" }, t("Mention majoritaire : {grade}", { grade: labels.grades[idea.grade] })) : null;
  }
  return h("p", { class: "focus-votes" }, tn("{n} gommette", "{n} gommettes", idea.votes));
}

function focusIdea(idea) {
  const column = state.columns.find((c) => c.id === idea.column_id);
  const group = idea.group_id ? state.groups.get(idea.group_id) : null;
  return h("article", { class: `focus-idea note-${idea.color || "yellow"}`, "data-testid": "focus-idea", "data-idea-id": String(idea.id) },
    h("p", { class: "focus-where" }, [column ? column.title : "", group ? ` · ${group.label}` : ""].join("")),
    h("div", { class: "focus-fit" }, h("p", { class: "focus-text" }, idea.text)),
    idea.author && idea.author.name ? h("p", { class: "focus-author" }, idea.author.name) : null,
    votesLine(idea));
}

function focusGroup(group, ideas) {
  return h("article", { class: "focus-group", "data-testid": "focus-group", "data-group-id": String(group ? group.id : "") },
    h("h3", { class: "focus-label" }, group ? group.label : t("Groupe")),
    h("div", { class: "focus-fit" }, h("ul", { class: "focus-cards" }, ...ideas.map((i) => h("li", { class: `present-card note-${i.color || "yellow"}` }, i.text)))));
}

/** The largest font of `inner` in [min, max] at which `box` (of fixed size) does not overflow. */
function fitText(box, inner, min, max) {
  if (!inner) return;
  let lo = min;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    inner.style.fontSize = `${mid}px`;
    if (box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1) lo = mid;
    else hi = mid - 1;
  }
  inner.style.fontSize = `${lo}px`;
}

// ---------------------------------------------------------------- side panel

function renderHands() {
  const { queue, speaking } = state.hands;
  const side = (p) => (p.attendance === "remote" ? t("à distance") : t("en salle"));
  const badge = (p) => h("span", { class: `badge side-${p.attendance === "remote" ? "remote" : "room"}` }, side(p));
  $("speaking").replaceChildren(...(speaking ? [speaking.name, " ", badge(speaking)] : [t("personne")]));
  // The whole queue, however long: the list flows in columns and its font shrinks to fit.
  $("queue").replaceChildren(...queue.map((p) => h("li", {}, p.name, " ", badge(p))));
  $("queue").dataset.count = String(queue.length);
  $("queue-empty").hidden = queue.length > 0;
  const panel = $("present-queue");
  fitText(panel, $("queue"), 10, Math.round(window.innerHeight / 38));
}

function renderCounts(p) {
  const counts = (p && p.counts) || {};
  $("count-room").textContent = String(counts.room ?? 0);
  $("count-remote").textContent = String(counts.remote ?? 0);
}

// ---------------------------------------------------------------- results

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
    const response = await fetch(config.results_url, { credentials: "same-origin", headers: apiHeaders({ Accept: "text/html" }) });
    if (response.ok) {
      const box = $("view-results");
      box.innerHTML = await response.text();
      box.dataset.seq = String(state.seq);
      if (box.firstElementChild) fitText(box, box, 12, Math.round(window.innerHeight / 30));
      shownItems(); // keys for the arrows, then the row chosen before the refresh
      markSelected();
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

// ---------------------------------------------------------------- timer and its sound

const sound = { on: localStorage.getItem("fabrique:present:sound") === "on", ctx: null };

function beep() {
  if (!sound.on) return;
  try {
    sound.ctx = sound.ctx || new AudioContext();
    const ctx = sound.ctx;
    for (const [start, freq] of [[0, 880], [0.35, 880], [0.7, 660]]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.4, ctx.currentTime + start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + start);
      osc.stop(ctx.currentTime + start + 0.32);
    }
    root.dataset.beeped = String(Number(root.dataset.beeped || 0) + 1);
  } catch {
    // No audio device: the figures on screen are enough.
  }
}

function toggleSound() {
  sound.on = !sound.on;
  localStorage.setItem("fabrique:present:sound", sound.on ? "on" : "off");
  renderSound();
  if (sound.on) {
    sound.ctx = sound.ctx || new AudioContext(); // created on a key press: browsers allow sound from then on
    feedback(t("Son de fin du minuteur activé."));
  } else feedback(t("Son de fin du minuteur coupé."));
}

function renderSound() {
  $("sound-state").textContent = sound.on ? t("activé") : t("coupé");
  root.dataset.sound = sound.on ? "on" : "off";
}

/** The countdown, with a beep once when it reaches zero. */
class ProjectorCountdown extends Countdown {
  set(timer) {
    this.rang = false;
    super.set(timer);
  }

  tick() {
    super.tick();
    if (this.el.dataset.left === "0" && !this.rang) {
      this.rang = true;
      beep();
    }
  }
}

// Big figures seen from the back of the room, turning exactly on the second.
const countdown = new ProjectorCountdown($("present-timer"), live, { every: 250, round: Math.ceil, prefix: "" });

/** The facilitator's duration field follows the last timer started (from any screen). */
function syncTimerField() {
  const field = $("timer-minutes");
  const timer = state.workshop.timer;
  if (field && timer && timer.seconds && document.activeElement !== field) field.value = String(Math.max(1, Math.round(timer.seconds / 60)));
}

// ---------------------------------------------------------------- keyboard

function feedback(message) {
  $("present-feedback").textContent = message;
}

async function command(name, payload = {}) {
  const ack = await live.command(name, payload);
  if (!ack.ok) feedback(ack.error.message);
  return ack;
}

const facilitatorKeys = {
  n() {
    const next = ORDER[ORDER.indexOf(state.workshop.phase) + 1];
    if (!next) return feedback(t("L’atelier est clos : dernière phase atteinte."));
    feedback(t("Phase suivante : {phase}.", { phase: labels.phases[next] || next }));
    return command("phase.set", { phase: next });
  },
  t() {
    if (countdown.running()) {
      feedback(t("Minuteur arrêté."));
      return command("timer.stop");
    }
    const seconds = timerSeconds();
    feedback(t("Minuteur lancé : {minutes} min.", { minutes: formatNumber(Math.round(seconds / 60)) }));
    return command("timer.start", { seconds });
  },
  s() {
    feedback(t("Parole donnée à la personne suivante."));
    return command("hand.next");
  },
};

const screenKeys = {
  ArrowRight: () => move(1),
  ArrowDown: () => move(1),
  ArrowLeft: () => move(-1),
  ArrowUp: () => move(-1),
  Enter: zoom,
  Escape: unzoom,
  PageDown: () => turn(1),
  PageUp: () => turn(-1),
  q() {
    view.qrBig = root.dataset.qr !== "big";
    renderQr();
  },
  b: toggleSound,
};

function timerSeconds() {
  const minutes = Number($("timer-minutes").value);
  return Number.isInteger(minutes) && minutes >= 1 && minutes <= 240 ? minutes * 60 : config.timer_default;
}

function typing(el) {
  return Boolean(el) && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

// One-letter shortcuts can be switched off (WCAG 2.1.4) on every projector, the presenter link's
// included (it has no control on screen): Alt+Maj+R toggles them, `?raccourcis=non` in the address
// starts without them (`oui`: with them), and a facilitator's projector also has a checkbox. The
// choice is kept in this browser. The arrows, Enter, Esc and the page keys are not letters and stay.
const letterKeys = $("letter-keys");
const LETTERS = "fabrique:present:letters";
const letters = {
  on: true,
  set(on, save = true) {
    this.on = on;
    if (letterKeys) letterKeys.checked = on;
    $("letters-state").textContent = on ? t("actifs") : t("coupés");
    root.dataset.letters = on ? "on" : "off";
    if (save) try { localStorage.setItem(LETTERS, on ? "on" : "off"); } catch { /* storage refused */ }
  },
};
{
  let stored = null;
  try { stored = localStorage.getItem(LETTERS); } catch { /* storage refused */ }
  const asked = (new URLSearchParams(location.search).get("raccourcis") || "").toLowerCase();
  if (["non", "off", "0"].includes(asked)) letters.set(false);
  else if (["oui", "on", "1"].includes(asked)) letters.set(true);
  else letters.set(stored !== "off", false);
}
letterKeys?.addEventListener("change", () => letters.set(letterKeys.checked));

document.addEventListener("keydown", (e) => {
  if (e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === "KeyR") {
    e.preventDefault();
    letters.set(!letters.on);
    return feedback(letters.on ? t("Raccourcis d’une lettre activés.") : t("Raccourcis d’une lettre coupés (Alt+Maj+R pour les rétablir)."));
  }
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
  if (e.key.length === 1 && !letters.on) return;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const action = screenKeys[key] || (controls && !e.repeat ? facilitatorKeys[key] : null);
  if (!action) return;
  e.preventDefault();
  action();
});

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    fitCards();
    scheduleFit(true);
    renderFocus();
    renderHands();
  }, 100);
});

renderSound();
live.start();
