// Shared minutes editor: CodeMirror 6 bound to the Y.Text "minutes" (lib/minutes_codemirror.js),
// synced through Socket.IO. The server persists every update before acknowledging it; until then
// edits are "pending", kept in localStorage (a reload loses nothing) and re-sent after a
// reconnect as one diff against the server's state. Cursors and names travel as y-protocols
// awareness updates (`minutes.awareness`, relayed, never stored). The connection (socket,
// network loss, acks with a timeout, client ids) is lib/live.js.
import * as Y from "yjs";
import { fromBase64, toBase64 } from "lib0/buffer";
import { apiHeaders, t } from "./i18n.js";
import { Connection } from "./live.js";
import { Peers } from "./minutes_awareness.js";
import { createEditor } from "./minutes_codemirror.js";
import { History } from "./minutes_history.js";
import { Rights } from "./minutes_rights.js";

const SEND_DELAY = 150;
const ACK_TIMEOUT = 15000; // longer than the 10 s of board commands, as before
const PREVIEW_DELAY = 400; // after one's own edit is saved
// After others' edits: fetch the preview once they pause this long, and at least every PREVIEW_MAX_WAIT while
// they go on, rather than once per keystroke of every editor in the room (each fetch costs the server).
const REMOTE_PREVIEW_DELAY = 1500;
const PREVIEW_MAX_WAIT = 5000;
// What the editor tells about the text: saved or not, rather than the state of the connection.
const STATUS = {
  saved: t("Enregistré"),
  pending: t("Non synchronisé"),
  offline: t("Non synchronisé (hors ligne)"),
  connecting: t("Connexion…"),
  readonly: t("Lecture seule"),
};
// Why the text cannot be changed (the server's rule: app/services/minutes/access.py).
export const READONLY_REASONS = {
  closed: t("Lecture seule : l'atelier est clos, le compte rendu ne change plus."),
  facilitators: t("Lecture seule : seuls l'animation et les secrétaires de séance désignés écrivent ce compte rendu. Vous le lisez en direct."),
  locked: t("Lecture seule : le compte rendu est verrouillé par l'animation. Vous le lisez en direct."),
  forbidden: t("Lecture seule : vous ne pouvez pas modifier ce compte rendu. Vous le lisez en direct."),
};
// Answers made up by the client (no connection, no ack): the server said nothing worth showing.
const UNANSWERED = new Set(["offline", "timeout"]);

function tabId() {
  let id = sessionStorage.getItem("fabrique.tab");
  if (!id) {
    id = Math.random().toString(36).slice(2, 10);
    sessionStorage.setItem("fabrique.tab", id);
  }
  return id;
}

class MinutesEditor {
  constructor(el) {
    this.el = el;
    this.code = el.dataset.code;
    this.api = el.dataset.api;
    this.isFacilitator = el.dataset.role === "facilitator";
    this.host = el.querySelector("[data-minutes-editor-host]");
    this.preview = el.querySelector('[data-testid="minutes-preview"]');
    this.statusEl = el.querySelector('[data-testid="minutes-sync"]');
    this.errorEl = el.querySelector("[data-minutes-error]");
    this.readonlyEl = el.querySelector('[data-testid="minutes-readonly"]');
    this.prefix = `fabrique.minutes.${this.code}.`;
    this.storeKey = this.prefix + tabId();
    this.pending = null; // local updates not sent yet
    this.inflight = null; // sent, waiting for the ack
    this.generation = 0; // bumps on every (re)connection; stale acks are ignored
    this.synced = false;
    this.editable = el.dataset.phase !== "closed";
    this.reason = this.editable ? null : READONLY_REASONS.closed;
    this.restoredKeys = [];
    this.people = new Map(); // name -> true: the presence list, for @responsable
    this.owners = new Set(); // owners named in the register now (rebuilt each time: no half-typed names kept)
    this.peers = new Peers({
      me: { name: el.dataset.meName || t("Anonyme"), key: el.dataset.meKey || "" },
      send: (update) => this.live && this.live.connected && this.live.send("minutes.awareness", { update: toBase64(update) }),
    });
    this.bindDoc(new Y.Doc());
  }

  bindDoc(doc) {
    this.doc = doc;
    this.text = doc.getText("minutes");
    doc.on("update", (update, origin) => this.localUpdate(update, origin));
    this.text.observe((_event, tr) => {
      if (tr.origin === "remote") this.remotePreview();
    });
    this.peers.bind(doc);
    if (this.editor) this.editor.rebind(this.text, this.peers.awareness);
  }

  start() {
    this.restore();
    this.editor = createEditor({
      parent: this.host,
      ytext: this.text,
      awareness: this.peers.awareness,
      people: () => [...new Set([...this.people.keys(), ...this.owners])],
      describedBy: "minutes-help",
      labelledBy: "minutes-editor-label",
      nonce: this.el.dataset.styleNonce,
    });
    this.host.querySelector("[data-minutes-fallback]")?.remove();
    this.el.querySelector("#minutes-editor-label")?.removeAttribute("for");
    this.el.querySelector("#minutes-editor-label")?.addEventListener("click", () => this.editor.view.focus());
    this.el.querySelector("[data-minutes-results]")?.addEventListener("click", () => this.insertResults());
    // A hidden tab fetches no preview; it catches up when shown again.
    document.addEventListener("visibilitychange", () => this.previewStale && this.schedulePreview(0));
    window.addEventListener("beforeunload", (e) => {
      if (this.pending || this.inflight) {
        e.preventDefault();
        e.returnValue = "";
      }
    });
    window.addEventListener("pagehide", () => this.peers.leave());
    this.live = new Connection({
      code: this.code,
      ackTimeout: ACK_TIMEOUT,
      idPrefix: "m-",
      events: {
        "minutes.update": ({ update }) => this.remote(update),
        "minutes.awareness": (msg) => msg && typeof msg.update === "string" && this.peers.receive(() => fromBase64(msg.update)),
        presence: (p) => this.presence(p),
        event: (env) => this.event(env),
      },
      onConnect: () => this.sync(),
      onDisconnect: () => this.lost(),
      onStatus: () => this.render(),
    });
    this.history = new History(this.el, {
      api: this.el.dataset.versionsApi,
      isFacilitator: this.isFacilitator,
      timeZone: this.el.dataset.timezone || undefined,
      current: () => this.text.toString(),
      restored: () => this.live.connected && this.sync(),
    });
    this.rights = new Rights(this.el, {
      api: this.api.replace(/\/minutes$/, ""),
      showError: (m) => this.showError(m),
      hideError: () => this.hideError(),
    });
    this.live.start();
    this.render();
    // For tests and page scripts: the text as the editor holds it.
    this.el.fabriqueMinutes = window.fabriqueMinutes = {
      text: () => this.editor.view.state.doc.toString(),
      shared: () => this.text.toString(),
      view: this.editor.view,
      peers: () => this.peers.names(),
    };
    document.dispatchEvent(new CustomEvent("fabrique:minutes", { detail: window.fabriqueMinutes }));
  }

  // --- local state -------------------------------------------------------------
  restore() {
    // Every tab keeps its own pending edits; merging them all is harmless (Yjs is idempotent).
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key && key.startsWith(this.prefix)) this.restoredKeys.push(key);
    }
    for (const key of this.restoredKeys) {
      try {
        const update = fromBase64(localStorage.getItem(key));
        Y.applyUpdate(this.doc, update, "restore");
        this.pending = this.pending ? Y.mergeUpdates([this.pending, update]) : update;
      } catch (err) {
        localStorage.removeItem(key);
      }
    }
  }

  save() {
    const parts = [this.inflight, this.pending].filter(Boolean);
    try {
      if (parts.length) localStorage.setItem(this.storeKey, toBase64(Y.mergeUpdates(parts)));
      else localStorage.removeItem(this.storeKey);
    } catch (err) {
      this.showError(t("Impossible de garder une copie locale : ne fermez pas la page avant « Enregistré »."));
    }
  }

  // Everything that is neither the server's nor restored from storage is ours: typing (y-codemirror's
  // origin), undo (the UndoManager's origin).
  localUpdate(update, origin) {
    if (origin === "remote" || origin === "restore") return;
    this.pending = this.pending ? Y.mergeUpdates([this.pending, update]) : update;
    this.save();
    this.schedule();
    this.render();
  }

  // --- server ----------------------------------------------------------------------
  async sync() {
    const generation = ++this.generation;
    this.render();
    const ack = await this.live.send("minutes.sync");
    if (generation !== this.generation) return;
    if (!ack.ok) {
      this.showError(ack.error && !UNANSWERED.has(ack.error.code) ? ack.error.message : t("Synchronisation impossible, nouvel essai…"));
      setTimeout(() => generation === this.generation && this.live.connected && this.sync(), 2000);
      return;
    }
    const state = fromBase64(ack.state);
    Y.applyUpdate(this.doc, state, "remote");
    if (this.pending || this.inflight) {
      // Everything the server lacks, whatever was lost in flight: one diff against its state.
      this.pending = Y.encodeStateAsUpdate(this.doc, Y.encodeStateVectorFromUpdate(state));
      this.inflight = null;
    }
    this.synced = true;
    this.setEditable(ack.editable, readonlyReason(ack));
    this.rights.show(ack);
    this.peers.announce();
    this.schedulePreview(0);
    this.history.refresh();
    this.flush();
  }

  lost() {
    this.generation++;
    if (this.inflight) {
      this.pending = this.pending ? Y.mergeUpdates([this.inflight, this.pending]) : this.inflight;
      this.inflight = null;
    }
    this.peers.disconnected();
    this.render();
  }

  remote(b64) {
    this.history.poke();
    try {
      Y.applyUpdate(this.doc, fromBase64(b64), "remote");
    } catch (err) {
      this.live.connected && this.sync();
    }
  }

  event(env) {
    if (!env || !env.type) return;
    if (env.type === "phase.changed" && env.data.phase === "closed") this.setEditable(false, READONLY_REASONS.closed);
    // Who may write (a lock, the minutes_editors setting, a scribe named) is the server's to say: ask again.
    if (["phase.changed", "minutes.permissions", "workshop.updated"].includes(env.type) && this.live.connected) this.sync();
    if (env.type === "phase.changed") this.history.refresh(); // a version is taken at each phase change
  }

  presence(p) {
    for (const person of (p && p.online) || []) if (person && person.name) this.people.set(person.name, true);
  }

  // A throttle, not a debounce: someone typing without pause is still saved every few hundred ms.
  schedule(delay = SEND_DELAY) {
    if (this.sendTimer) return;
    this.sendTimer = setTimeout(() => {
      this.sendTimer = null;
      this.flush();
    }, delay);
  }

  async flush() {
    if (this.inflight || !this.pending || !this.synced || !this.editable || !this.live.connected) return;
    const generation = this.generation;
    this.inflight = this.pending;
    this.pending = null;
    this.render();
    const ack = await this.live.command("minutes.update", { update: toBase64(this.inflight) });
    if (generation !== this.generation) return;
    if (ack.ok) this.acked();
    else if (ack.error && UNANSWERED.has(ack.error.code)) this.retry();
    else this.rejected(ack.error || { code: "internal", message: t("Erreur inconnue.") });
  }

  acked() {
    this.inflight = null;
    this.save();
    for (const key of this.restoredKeys.splice(0)) if (key !== this.storeKey) localStorage.removeItem(key);
    this.hideError();
    this.render();
    this.schedulePreview(PREVIEW_DELAY);
    this.history.poke();
    if (this.pending) this.schedule();
  }

  retry() {
    this.pending = this.pending ? Y.mergeUpdates([this.inflight, this.pending]) : this.inflight;
    this.inflight = null;
    this.render();
    this.schedule(1000);
  }

  rejected(error) {
    if (error.code === "rate_limited") return this.retry();
    this.inflight = null;
    if (error.code === "phase") this.setEditable(false, error.message || READONLY_REASONS.closed);
    if (error.code === "forbidden") this.setEditable(false, readOnlyBecause(error.message));
    this.showError(error.message);
    this.reset();
  }

  // The server refused these edits for good: start again from its state so both sides agree.
  reset() {
    this.pending = null;
    this.inflight = null;
    this.save();
    const old = this.doc;
    this.synced = false;
    this.bindDoc(new Y.Doc());
    old.destroy();
    this.render();
    if (this.live.connected) this.sync();
  }

  setEditable(editable, reason) {
    this.editable = !!editable;
    this.reason = this.editable ? null : reason || READONLY_REASONS.forbidden;
    this.el.querySelector("[data-minutes-results]")?.toggleAttribute("disabled", !this.editable);
    const save = this.el.querySelector("[data-history-save]");
    if (save) save.hidden = !this.editable;
    this.el.dataset.editable = String(this.editable);
    this.readonlyEl.textContent = this.reason || "";
    this.readonlyEl.hidden = !this.reason;
    this.render();
  }

  async insertResults() {
    const ack = await this.live.command("minutes.results");
    if (ack.ok) this.hideError();
    else this.showError(ack.error ? ack.error.message : t("Erreur inconnue."));
  }

  // --- preview, register, status ------------------------------------------------------
  // Fetch the preview within `delay` ms (a fetch planned sooner stands).
  schedulePreview(delay) {
    this.planPreview(Date.now() + delay, false);
  }

  // Others' edits push the fetch back (debounce), up to PREVIEW_MAX_WAIT after the first of them.
  remotePreview() {
    const now = Date.now();
    if (!this.previewTimer) this.previewWaitSince = now;
    this.planPreview(Math.min(now + REMOTE_PREVIEW_DELAY, this.previewWaitSince + PREVIEW_MAX_WAIT), true);
  }

  planPreview(due, remote) {
    if (this.previewTimer) {
      if (remote ? !this.previewRemote : this.previewDue <= due) return;
      clearTimeout(this.previewTimer);
    }
    this.previewDue = due;
    this.previewRemote = remote;
    this.previewTimer = setTimeout(() => {
      this.previewTimer = null;
      this.refreshPreview();
    }, Math.max(0, due - Date.now()));
  }

  // One fetch at a time: changes made meanwhile are fetched once it is answered.
  async refreshPreview() {
    if (this.previewBusy || document.hidden) {
      this.previewStale = true;
      return;
    }
    this.previewBusy = true;
    this.previewStale = false;
    try {
      const res = await fetch(this.api, { credentials: "same-origin", headers: apiHeaders() });
      if (res.ok) {
        const data = await res.json();
        this.preview.innerHTML = data.html; // sanitized by the server (render_markdown)
        this.showRegister("decisions", data.decisions || [], (d) => d.text);
        this.showRegister("actions", data.actions || [], actionLabel);
        this.owners = new Set((data.actions || []).map((a) => a.owner).filter(Boolean));
      }
    } catch (err) {
      /* offline: the preview catches up on the next refresh */
    } finally {
      this.previewBusy = false;
      if (this.previewStale && !document.hidden) this.schedulePreview(PREVIEW_DELAY);
    }
  }

  showRegister(kind, items, label) {
    const list = this.el.querySelector(`[data-register="${kind}"]`);
    if (!list) return;
    list.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement("li");
        li.dataset.line = item.line;
        li.textContent = label(item);
        const line = document.createElement("span");
        line.className = "register-line";
        line.textContent = " " + t("(ligne {line})", { line: item.line });
        li.append(line);
        return li;
      }),
    );
    const empty = this.el.querySelector(`[data-register-empty="${kind}"]`);
    if (empty) empty.hidden = items.length > 0;
  }

  render() {
    let state = "saved";
    if (!this.live?.connected) state = this.synced ? "offline" : "connecting";
    else if (!this.synced) state = "connecting";
    else if (this.pending || this.inflight) state = "pending";
    else if (!this.editable) state = "readonly";
    if ((this.pending || this.inflight) && state === "connecting") state = "offline";
    this.statusEl.dataset.state = state;
    this.statusEl.textContent = STATUS[state];
    if (this.editor) {
      this.editor.setReadOnly(!(this.synced && this.editable), this.synced ? this.reason : null);
      this.editor.view.contentDOM.setAttribute("aria-busy", this.synced ? "false" : "true");
    }
  }

  showError(message) {
    this.errorEl.textContent = message;
    this.errorEl.hidden = false;
  }

  hideError() {
    this.errorEl.hidden = true;
  }
}

// Why `minutes.sync` says we may not write ({editable, phase, editors, locked}); the server's own sentence
// if it ever sends one (`reason`).
function readonlyReason(ack) {
  if (!ack) return READONLY_REASONS.forbidden;
  if (ack.phase === "closed") return READONLY_REASONS.closed;
  if (typeof ack.reason === "string" && ack.reason) return readOnlyBecause(ack.reason);
  if (ack.locked) return READONLY_REASONS.locked;
  if (ack.editors === "facilitators") return READONLY_REASONS.facilitators;
  return READONLY_REASONS.forbidden;
}

/** "Read-only: <the server's reason>", unless the reason already says so. */
function readOnlyBecause(reason) {
  const prefix = t("Lecture seule");
  return reason.startsWith(prefix) ? reason : t("Lecture seule : {reason}", { reason });
}

function actionLabel(a) {
  const parts = [a.text];
  if (a.owner) parts.push(`@${a.owner}`);
  if (a.due) parts.push(t("échéance {date}", { date: a.due })); // the register's ISO date, as typed
  return parts.join(" — ");
}

export function startMinutes(root) {
  const editor = new MinutesEditor(root);
  editor.start();
  return editor;
}
