// The facilitator's console: phases that cannot misfire (explicit buttons, a confirmation when a
// change reveals something, no change on an arrow key), the join code, the projector link, the
// results, undo, live participation during a vote, and the participants panel.
import { announce, h } from "./dom.js";
import { apiHeaders, formatNumber, labels, lang, t } from "./i18n.js";
import { confirmDialog } from "./menu.js";

export const ORDER = ["setup", "brainstorm", "cluster", "vote", "discuss", "closed"];
const $ = (id) => document.getElementById(id);

/**
 * What moving from one phase to another would show that is hidden now, said in one sentence (null:
 * nothing). Private ideas are revealed leaving the brainstorm, hidden votes leaving the vote: never both.
 */
export function reveals(from, to, settings) {
  const early = (p) => p === "setup" || p === "brainstorm";
  const phase = labels.phases[to] || to;
  if (settings.private_brainstorm !== false && early(from) && !early(to)) {
    return t("En passant à « {phase} », toutes les idées du remue-méninges privé deviendront visibles de tous les participants. On ne peut pas les cacher de nouveau.", { phase });
  }
  if (settings.reveal_votes === "end" && from === "vote" && to !== "vote") {
    return t("En passant à « {phase} », les votes cachés seront révélés à tous. On ne peut pas les cacher de nouveau.", { phase });
  }
  return null;
}

export class FacilitatorConsole {
  constructor({ state, command, code, showError }) {
    Object.assign(this, { state, command, code, showError });
    this.select = document.querySelector('[data-testid="phase-select"]');
    this.next = document.querySelector('[data-testid="phase-next"]');
    this.people = new Map(); // id → participant from the API, merged with presence
    this.online = new Set();
    this.wire();
  }

  wire() {
    // A closed <select> changes its value on arrow keys, Home/End and typed letters: none of these
    // may change the live phase. The choice is made in the opened list (Alt+↓, Espace, a click).
    this.select.addEventListener("keydown", (e) => {
      const opens = e.key === " " || e.key === "Enter" || (e.altKey && e.key === "ArrowDown") || e.key === "F4";
      if (!opens && (e.key.length === 1 || /^(Arrow|Page|Home|End)/.test(e.key))) e.preventDefault();
    });
    this.select.addEventListener("change", async () => {
      const wanted = this.select.value;
      this.select.value = this.state.workshop.phase; // until the server says so
      await this.setPhase(wanted);
    });
    this.next.addEventListener("click", () => {
      const i = ORDER.indexOf(this.state.workshop.phase);
      if (i >= 0 && i < ORDER.length - 1) this.setPhase(ORDER[i + 1]);
    });
    $("presenter-link").addEventListener("click", () => this.openProjector(false));
    $("presenter-new")?.addEventListener("click", () => this.openProjector(true));
    $("board-undo").addEventListener("click", () => this.undo());
    $("present-unfocus")?.addEventListener("click", async () => {
      const ack = await this.command("present.focus", {}, "toast");
      if (ack.ok) announce(t("L'écran de la salle montre tout le tableau."));
    });
    $("participants-refresh")?.addEventListener("click", () => this.loadParticipants());
    const toggle = $("participants-toggle");
    toggle?.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      $("participants-panel").hidden = !open;
      if (open) this.loadParticipants();
    });
  }

  async setPhase(to) {
    const from = this.state.workshop.phase;
    if (to === from) return;
    const shown = reveals(from, to, this.state.workshop.settings || {});
    if (shown) {
      const ok = await confirmDialog({
        title: t("Passer à la phase « {phase} » ?", { phase: labels.phases[to] }),
        text: shown,
        confirm: t("Révéler et passer à « {phase} »", { phase: labels.phases[to] }),
      });
      if (!ok) {
        announce(t("Changement de phase annulé."));
        return;
      }
    }
    const ack = await this.command("phase.set", { phase: to });
    if (ack.ok) this.state.workshop.phase = ack.phase || to;
    this.render();
  }

  render() {
    const phase = this.state.workshop.phase;
    if (document.activeElement !== this.select) this.select.value = phase;
    const i = ORDER.indexOf(phase);
    const following = ORDER[i + 1];
    this.next.disabled = !following;
    this.next.textContent = following ? t("Phase suivante : {phase}", { phase: labels.phases[following] }) : t("Atelier clos");
    this.renderParticipation();
    const unfocus = $("present-unfocus");
    if (unfocus) unfocus.hidden = !this.state.workshop.focus;
  }

  /** "27 / 40 ont voté" during the vote: counts only, never who voted for what. */
  renderParticipation() {
    const el = $("vote-progress");
    const p = this.state.participation;
    const voting = this.state.workshop.phase === "vote";
    el.hidden = !voting || !p;
    if (!voting || !p) return;
    const total = p.present ?? p.participants ?? 0;
    const voters = p.voters ?? 0;
    const counted = (x) => x && typeof x.present === "number" && x.present;
    const figures = (x) => ({ voters: formatNumber(x.voters ?? 0), present: formatNumber(x.present) });
    const detail = [
      counted(p.room) ? t("salle {voters} / {present}", figures(p.room)) : null,
      counted(p.remote) ? t("distance {voters} / {present}", figures(p.remote)) : null,
    ].filter(Boolean).join(", ");
    const numbers = { voters: formatNumber(voters), total: formatNumber(total) };
    el.textContent = t("{voters} / {total} ont voté", numbers);
    el.title = detail;
    el.setAttribute("aria-label", detail ? t("{voters} sur {total} ont voté ({detail})", { ...numbers, detail }) : t("{voters} sur {total} ont voté", numbers));
    el.dataset.voters = String(voters);
    el.dataset.participants = String(total);
  }

  async openProjector(fresh) {
    const key = `fabrique:presenter:${this.code}`;
    // Open the tab within the click (pop-up blockers), then point it at the link.
    const tab = window.open("about:blank", "_blank");
    let url = fresh ? null : sessionStorage.getItem(key);
    if (!url) {
      const r = await fetch(`/api/v1/workshops/${this.code}/presenter-link`, {
        method: "POST", credentials: "same-origin", headers: apiHeaders({ "Content-Type": "application/json" }), body: "{}",
      }).catch(() => null);
      const body = r && r.ok ? await r.json().catch(() => null) : null;
      url = body && body.url;
      if (url) sessionStorage.setItem(key, url);
    }
    const target = url || `/w/${this.code}/present`;
    if (tab) tab.location.href = target;
    else window.open(target, "_blank", "noopener");
    const out = $("presenter-url");
    if (out && url) {
      out.hidden = false;
      out.querySelector("input").value = url;
      if (fresh) announce(t("Nouveau lien du projecteur : l'ancien ne fonctionne plus."));
    }
  }

  /** For 30 s after a board action, the undo button says which one it would take back ("↶ Annuler le déplacement"). */
  justDid(label) {
    const button = $("board-undo");
    button.textContent = label;
    button.classList.add("undo-fresh");
    clearTimeout(this.undoTimer);
    this.undoTimer = setTimeout(() => {
      button.textContent = t("↶ Annuler");
      button.classList.remove("undo-fresh");
    }, 30000);
  }

  async undo() {
    const ack = await this.command("board.undo", {}, "toast");
    if (ack.ok) {
      announce(ack.events ? t("Dernière action annulée.") : t("Cette action ne peut plus avoir d'effet."));
      clearTimeout(this.undoTimer);
      $("board-undo").textContent = t("↶ Annuler");
      $("board-undo").classList.remove("undo-fresh");
    }
  }

  // --- participants -------------------------------------------------------
  presence(p) {
    this.online = new Set((p.online || []).filter((x) => x.role !== "facilitator").map((x) => x.id));
    for (const x of p.online || []) if (x.role !== "facilitator" && !this.people.has(x.id)) this.people.set(x.id, { ...x, online: true });
    const count = $("participants-count");
    if (count) count.textContent = formatNumber(this.online.size);
    if (!$("participants-panel")?.hidden) this.renderParticipants();
  }

  participantsChanged() {
    if (!$("participants-panel")?.hidden) this.loadParticipants();
  }

  async loadParticipants() {
    const r = await fetch(`/api/v1/workshops/${this.code}/participants`, { credentials: "same-origin", headers: apiHeaders() }).catch(() => null);
    const body = r && r.ok ? await r.json().catch(() => null) : null;
    if (body && Array.isArray(body.participants)) {
      this.people = new Map(body.participants.map((p) => [p.id, p]));
      this.listed = true;
    }
    this.renderParticipants();
  }

  renderParticipants() {
    const list = $("participants-list");
    const people = [...this.people.values()].sort((a, b) => Number(this.isOnline(b)) - Number(this.isOnline(a)) || a.name.localeCompare(b.name, lang));
    list.replaceChildren(...people.map((p) => this.person(p)));
    $("participants-summary").textContent = t("{online} en ligne sur {total}", { online: formatNumber(this.online.size), total: formatNumber(people.length) });
  }

  isOnline(p) {
    return this.online.has(p.id) || (p.online && !this.listed);
  }

  person(p) {
    const ui = (this.editing === p.id);
    const where = p.attendance === "remote" ? t("à distance") : t("en salle");
    const name = ui ? this.renameForm(p) : h("strong", {}, p.name);
    return h("li", { class: "person" + (this.isOnline(p) ? " online" : ""), dataset: { participantId: String(p.id) }, "data-testid": "participant" },
      h("span", { class: "dot", "aria-hidden": "true" }),
      h("span", { class: "who" }, name, " ",
        h("span", { class: "muted" }, [this.isOnline(p) ? t("en ligne") : t("hors ligne"), where, p.organisation].filter(Boolean).join(" · "))),
      ui ? null : this.collegeSelect(p),
      this.errors?.has(p.id) ? h("p", { class: "error", role: "alert", "data-testid": "participant-error" }, this.errors.get(p.id)) : null,
      ui ? null : h("span", { class: "person-tools" },
        h("button", { type: "button", class: "secondary small", "aria-label": t("Renommer {name}", { name: p.name }), onclick: () => { this.editing = p.id; this.renderParticipants(); $(`rename-p-${p.id}`)?.focus(); } }, t("Renommer")),
        // Scribe (issue 16): may write the minutes when only the facilitators may.
        h("button", { type: "button", class: "secondary small", "aria-pressed": String(Boolean(p.scribe)), "data-testid": "participant-scribe",
          "aria-label": t("Secrétaire de séance : {name}", { name: p.name }), title: t("Peut écrire le compte rendu quand il est réservé à l'animation"),
          onclick: () => this.toggleScribe(p) }, t("Secrétaire")),
        h("button", { type: "button", class: "secondary small", "aria-label": t("Retirer {name}", { name: p.name }), onclick: () => this.remove(p) }, t("Retirer"))));
  }

  // College (issue 17): a select per participant when the workshop has colleges; a refusal
  // (`conflict` once they voted) is shown under the participant, the select going back.
  collegeSelect(p) {
    const colleges = (this.state.workshop.settings || {}).colleges || [];
    if (!colleges.length) return null;
    const id = `college-p-${p.id}`;
    const current = p.college == null ? "" : String(p.college);
    const select = h("select", { id, "data-testid": "participant-college", onchange: () => this.setCollege(p, select) },
      h("option", { value: "" }, t("Sans collège")),
      ...colleges.map((c) => h("option", { value: String(c.id) }, c.name)));
    select.value = current;
    return h("span", { class: "person-college" },
      h("label", { for: id, class: "visually-hidden" }, t("Collège de {name}", { name: p.name })), select);
  }

  async setCollege(p, select) {
    const college = select.value || null;
    this.errors = this.errors || new Map();
    const r = await this.api("PATCH", p.id, { college }, (error) => this.errors.set(p.id, (error && error.message) || String(error)));
    if (r) {
      this.errors.delete(p.id);
      this.people.set(p.id, { ...p, ...(r.participant || {}) });
      const name = ((this.state.workshop.settings || {}).colleges || []).find((c) => String(c.id) === String(college))?.name;
      announce(college ? t("{name} est dans le collège {college}.", { name: p.name, college: name || college }) : t("{name} n'a plus de collège.", { name: p.name }));
    }
    this.renderParticipants();
    if (!r) document.getElementById(`college-p-${p.id}`)?.focus();
  }

  async toggleScribe(p) {
    const r = await this.api("PATCH", p.id, { scribe: !p.scribe });
    if (!r) return;
    const scribe = Boolean(r.participant && r.participant.scribe);
    this.people.set(p.id, { ...p, scribe });
    announce(scribe ? t("{name} est secrétaire de séance.", { name: p.name }) : t("{name} n'est plus secrétaire de séance.", { name: p.name }));
    this.renderParticipants();
  }

  renameForm(p) {
    const input = h("input", { id: `rename-p-${p.id}`, maxlength: 80, value: p.name });
    return h("form", { class: "inline-form", onsubmit: async (e) => {
      e.preventDefault();
      const r = await this.api("PATCH", p.id, { name: input.value.trim() });
      if (r) {
        this.people.set(p.id, { ...p, ...(r.participant || {}), name: (r.participant && r.participant.name) || input.value.trim() });
        announce(t("Participant renommé : {name}.", { name: input.value.trim() }));
      }
      this.editing = null;
      this.renderParticipants();
    } },
    h("label", { for: input.id, class: "visually-hidden" }, t("Nouveau nom de {name}", { name: p.name })), input,
    h("button", { type: "submit", class: "small" }, t("Enregistrer")),
    h("button", { type: "button", class: "secondary small", onclick: () => { this.editing = null; this.renderParticipants(); } }, t("Annuler")));
  }

  async remove(p) {
    const ok = await confirmDialog({
      title: t("Retirer {name} de l'atelier ?", { name: p.name }),
      text: t("Sa connexion est coupée aussitôt et son lien ne fonctionne plus. Ses idées et ses votes restent."),
      confirm: t("Retirer"), danger: true,
    });
    if (!ok) return;
    if (await this.api("DELETE", p.id)) {
      this.people.delete(p.id);
      announce(t("{name} a été retiré·e de l'atelier.", { name: p.name }));
      this.renderParticipants();
    }
  }

  async api(method, id, body, onError) {
    const r = await fetch(`/api/v1/workshops/${this.code}/participants/${id}`, {
      method, credentials: "same-origin", headers: apiHeaders({ "Content-Type": "application/json" }),
      body: body ? JSON.stringify(body) : undefined,
    }).catch(() => null);
    const data = r ? await r.json().catch(() => ({})) : null;
    if (!r || !r.ok) {
      (onError || this.showError)((data && data.error) || t("Action impossible : réessayez."));
      return null;
    }
    return data;
  }
}
