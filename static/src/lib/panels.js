// Status bar pieces: phase banner, connection state, presence, countdown, speaking queue.
import { announce, h } from "./dom.js";
import { formatNumber, labels, t } from "./i18n.js";
import { STATES, phaseHelp } from "./labels.js";

export function renderPhase(state) {
  const el = document.querySelector('[data-testid="phase"]');
  const phase = state.workshop.phase;
  el.textContent = labels.phases[phase] || phase;
  el.dataset.phase = phase;
  document.getElementById("board").dataset.phase = phase;
  document.getElementById("phase-help").textContent = phaseHelp(phase, state.me.role, state.workshop.settings || {});
}

/**
 * The phone's bottom bar shows phase, votes left and connection (the same elements as on a
 * desktop, placed by CSS); this adds the one line that says why voting stopped, in the viewport.
 */
export function renderBottomBar(state) {
  const el = document.getElementById("budget-note");
  if (!el) return;
  const dots = state.workshop.settings.vote_method !== "majority_judgment";
  const spent = state.workshop.phase === "vote" && !state.isFacilitator && dots && state.me.votes_left === 0;
  el.hidden = !spent;
  el.textContent = spent ? t("Toutes vos gommettes sont posées : retirez-en une (−1) pour voter ailleurs.") : "";
}

export function renderStatus(state, message) {
  const el = document.querySelector('[data-testid="connection-status"]');
  el.dataset.state = state;
  el.textContent = message ? t("{state} — {message}", { state: STATES[state], message }) : STATES[state];
}

export function renderPresence(p) {
  const counts = p.counts || {};
  const total = typeof p.total === "number" ? p.total : (p.online || []).length;
  document.querySelector('[data-testid="presence-count"]').textContent = formatNumber(total);
  const detail = document.getElementById("presence-detail");
  if (detail) detail.textContent = t("(salle : {room}, à distance : {remote})", { room: formatNumber(counts.room ?? 0), remote: formatNumber(counts.remote ?? 0) });
}

export function renderVotesLeft(state) {
  const el = document.querySelector('[data-testid="votes-left"]');
  if (!el) return;
  const mj = state.workshop.settings.vote_method === "majority_judgment";
  document.getElementById("votes-left-label").textContent = mj ? t("Idées à évaluer :") : t("Gommettes restantes :");
  el.textContent = state.me.votes_left === null || state.me.votes_left === undefined ? "—" : formatNumber(state.me.votes_left);
}

/**
 * The countdown follows the server's ends_at, corrected by the measured clock offset.
 * Options for another look (the projector): `every` ms between ticks, `round` for the
 * seconds left (Math.ceil turns the figure exactly on the second), `prefix` before mm:ss.
 */
export class Countdown {
  constructor(el, live, { every = 1000, round = Math.round, prefix = t("Temps restant : ") } = {}) {
    Object.assign(this, { el, live, every, round, prefix });
    this.timer = null;
    this.announced = new Set();
  }

  set(timer) {
    clearInterval(this.timer);
    this.ends = timer ? timer.ends_at : null;
    this.announced.clear();
    this.el.hidden = !this.ends;
    if (this.ends) {
      this.tick();
      this.timer = setInterval(() => this.tick(), this.every);
    }
    const stop = document.getElementById("timer-stop");
    if (stop) stop.disabled = !this.ends;
  }

  running() {
    return Boolean(this.ends) && this.live.remaining(this.ends) > 0;
  }

  tick() {
    const left = Math.max(0, this.round(this.live.remaining(this.ends) / 1000));
    const mm = String(Math.floor(left / 60)).padStart(2, "0");
    const ss = String(left % 60).padStart(2, "0");
    this.el.textContent = left ? `${this.prefix}${mm}:${ss}` : t("Temps écoulé");
    this.el.dataset.left = String(left);
    this.el.classList.toggle("ending", left <= 30);
    if (left === 60 && !this.announced.has(60)) announce(t("Plus qu'une minute."));
    if (left === 0 && !this.announced.has(0)) {
      announce(t("Temps écoulé."));
      clearInterval(this.timer);
    }
    this.announced.add(left);
  }
}

export function renderHands(state, act) {
  const panel = document.getElementById("hands");
  const { queue, speaking } = state.hands;
  panel.querySelector(".speaking").textContent = speaking
    ? (speaking.attendance === "remote" ? t("La parole est à {name} (à distance).", { name: speaking.name }) : t("La parole est à {name}.", { name: speaking.name }))
    : t("Personne n'a la parole.");
  panel.querySelector("ol").replaceChildren(
    ...queue.map((p) => h("li", {}, p.name, " ", h("span", { class: "badge" }, p.attendance === "remote" ? t("à distance") : t("en salle")))),
  );
  panel.querySelector(".queue-empty").hidden = queue.length > 0;
  const buttons = panel.querySelector(".hand-buttons");
  // The button is swapped (raise ⇄ lower): keyboard focus must follow it, not fall to <body>.
  const hadFocus = buttons.contains(document.activeElement);
  renderHandButtons(buttons, state, act);
  if (hadFocus && buttons.firstElementChild) buttons.firstElementChild.focus();
}

function renderHandButtons(buttons, state, act) {
  const { queue, speaking } = state.hands;
  const me = state.me;
  const closed = state.workshop.phase === "closed";
  if (state.isFacilitator) {
    buttons.replaceChildren(h("button", { type: "button", "data-testid": "hand-next", disabled: closed || (!queue.length && !speaking) ? true : null,
      onclick: act.nextSpeaker }, queue.length ? t("Donner la parole") : t("Terminer le tour de parole")));
    return;
  }
  const waiting = queue.some((p) => p.id === me.id);
  const talking = speaking && speaking.id === me.id;
  buttons.replaceChildren(
    waiting || talking
      ? h("button", { type: "button", class: "secondary", "data-testid": "hand-lower", onclick: act.lowerHand }, talking ? t("Rendre la parole") : t("Baisser la main"))
      : h("button", { type: "button", "data-testid": "hand-raise", disabled: closed ? true : null, onclick: act.raiseHand }, t("Lever la main")),
  );
}
