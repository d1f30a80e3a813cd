// The minutes' history panel: versions (automatic and named), "compare with now" as a line diff
// (the `diff` library), restore (facilitators; the server makes it a new edit everyone receives,
// so it can itself be undone or restored) and "Enregistrer une version".
import { diffLines } from "diff";
import { apiHeaders, formatDateTime, t, tn } from "./i18n.js";

const CONTEXT = 2; // unchanged lines kept around each change
const POKE_DELAY = 3000; // ms: the list follows edits at most this often while the panel is open
const TIME_OPTIONS = { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };

function csrfHeaders() {
  const token = document.querySelector('input[name="csrf_token"]')?.value;
  return apiHeaders({ "Content-Type": "application/json", ...(token ? { "X-CSRFToken": token } : {}) });
}

async function call(url, options = {}) {
  let res;
  try {
    res = await fetch(url, { credentials: "same-origin", headers: csrfHeaders(), ...options });
  } catch (err) {
    throw new Error(t("Hors ligne : l'historique reviendra avec la connexion."));
  }
  let data = null;
  try {
    data = await res.json();
  } catch (err) {
    /* no JSON body */
  }
  if (!res.ok) throw new Error((data && data.error && data.error.message) || t("Erreur {status}.", { status: res.status }));
  return data || {};
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Lines of a diff from `before` to `after`: [{kind: "same"|"add"|"del"|"skip", text}]. */
export function diffRows(before, after) {
  const rows = [];
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, "").split("\n");
    const kind = part.added ? "add" : part.removed ? "del" : "same";
    for (const text of lines) rows.push({ kind, text });
  }
  // Long unchanged runs fold into one "… N lignes identiques" row.
  const out = [];
  for (let i = 0; i < rows.length; ) {
    if (rows[i].kind !== "same") {
      out.push(rows[i++]);
      continue;
    }
    let j = i;
    while (j < rows.length && rows[j].kind === "same") j++;
    const keepHead = i === 0 ? 0 : CONTEXT;
    const keepTail = j === rows.length ? 0 : CONTEXT;
    if (j - i > keepHead + keepTail + 1) {
      out.push(...rows.slice(i, i + keepHead));
      const n = j - i - keepHead - keepTail;
      out.push({ kind: "skip", text: tn("… {n} ligne identique …", "… {n} lignes identiques …", n) });
      out.push(...rows.slice(j - keepTail, j));
    } else out.push(...rows.slice(i, j));
    i = j;
  }
  return out;
}

export class History {
  constructor(root, { api, isFacilitator, timeZone, current, restored }) {
    Object.assign(this, { root, api, isFacilitator, current, restored });
    this.box = root.querySelector("[data-minutes-history]");
    if (!this.box) return;
    this.list = this.box.querySelector("[data-history-list]");
    this.status = this.box.querySelector("[data-history-status]");
    this.compareBox = this.box.querySelector("[data-history-compare]");
    this.diffEl = this.box.querySelector('[data-testid="minutes-diff"]');
    try {
      this.timeOptions = { ...TIME_OPTIONS, timeZone };
      formatDateTime(0, this.timeOptions); // an unknown zone throws: then the browser's own
    } catch (err) {
      this.timeOptions = TIME_OPTIONS;
    }
    this.box.addEventListener("toggle", () => this.box.open && this.refresh());
    this.box.querySelector("[data-history-save]")?.addEventListener("submit", (e) => this.save(e));
    this.box.querySelector("[data-history-close]")?.addEventListener("click", () => this.closeCompare());
  }

  get visible() {
    return this.box && (this.box.open || this.box.tagName !== "DETAILS");
  }

  say(message, error = false) {
    this.status.textContent = message;
    this.status.classList.toggle("error", error);
  }

  // The text changed (someone's edit, saved): the server may have taken a version; look again soon.
  poke() {
    if (!this.visible || this.pokeTimer) return;
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = null;
      this.refresh();
    }, POKE_DELAY);
  }

  async refresh() {
    if (!this.visible) return;
    try {
      const data = await call(this.api);
      this.show(data.versions || []);
    } catch (err) {
      this.say(err.message, true);
    }
  }

  show(versions) {
    const empty = this.box.querySelector("[data-history-empty]");
    if (empty) empty.hidden = versions.length > 0;
    this.list.replaceChildren(...versions.map((v) => this.item(v)));
  }

  when(at) {
    return formatDateTime(at, this.timeOptions) || String(at);
  }

  item(v) {
    const when = v.when || this.when(v.at); // the server's words, on the workshop's clock
    const name = v.label || t("Version automatique");
    const chars = tn("{n} caractère", "{n} caractères", Number(v.chars || 0));
    const buttons = el(
      "div",
      { class: "history-actions" },
      el("button", { type: "button", class: "secondary", "aria-label": t("Comparer la version du {when} avec maintenant", { when }), onclick: () => this.compare(v, when) }, t("Comparer")),
      this.isFacilitator
        ? el("button", { type: "button", class: "secondary", "data-history-restore": v.id, "aria-label": t("Restaurer la version du {when}", { when }), onclick: () => this.restore(v, when) }, t("Restaurer"))
        : null,
    );
    return el(
      "li",
      { "data-version-id": String(v.id), "data-testid": "minutes-version" },
      el("time", { datetime: String(v.at) }, when),
      " ",
      el("span", { class: "history-label" }, name),
      " ",
      el("span", { class: "history-chars" }, v.author ? `(${v.author}, ${chars})` : `(${chars})`),
      buttons,
    );
  }

  async compare(v, when) {
    this.say(t("Chargement de la version…"));
    try {
      const version = await call(`${this.api}/${encodeURIComponent(v.id)}`);
      const rows = diffRows(version.text || "", this.current());
      this.compareBox.querySelector("[data-history-compare-title]").textContent = t("Version du {when} comparée à maintenant", { when });
      this.diffEl.replaceChildren(
        ...(rows.some((r) => r.kind === "add" || r.kind === "del")
          ? rows.map((r) => el("div", { class: `diff-${r.kind}` }, el("span", { class: "diff-sign", "aria-hidden": "true" }, sign(r.kind)), el("span", { class: "visually-hidden" }, spoken(r.kind)), r.text ? el("span", { class: "diff-text" }, r.text) : null))
          : [el("p", {}, t("Aucune différence : le texte est le même qu'à cette version."))]),
      );
      this.compareBox.hidden = false;
      this.say("");
      this.compareBox.querySelector("[data-history-compare-title]").focus();
    } catch (err) {
      this.say(err.message, true);
    }
  }

  closeCompare() {
    this.compareBox.hidden = true;
  }

  async restore(v, when) {
    if (!window.confirm(t("Restaurer la version du {when} ? Le texte actuel est d'abord gardé dans l'historique : la restauration peut elle-même être annulée.", { when }))) return;
    this.say(t("Restauration…"));
    try {
      await call(`${this.api}/${encodeURIComponent(v.id)}/restore`, { method: "POST", body: "{}" });
      this.say(t("Version du {when} restaurée pour tout le monde.", { when }));
      this.closeCompare();
      this.restored();
      await this.refresh();
    } catch (err) {
      this.say(err.message, true);
    }
  }

  async save(e) {
    e.preventDefault();
    const input = e.target.querySelector("input[name=label]");
    const label = input.value.trim();
    try {
      await call(this.api, { method: "POST", body: JSON.stringify(label ? { label } : {}) });
      input.value = "";
      this.say(label ? t("Version « {label} » enregistrée.", { label }) : t("Version enregistrée."));
      await this.refresh();
    } catch (err) {
      this.say(err.message, true);
    }
  }
}

function sign(kind) {
  return { add: "+", del: "−", same: " ", skip: " " }[kind];
}

function spoken(kind) {
  return { add: t("Ajouté maintenant : "), del: t("Seulement dans la version : "), same: "", skip: "" }[kind];
}
