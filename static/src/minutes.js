// Shared minutes editor: a <textarea> bound to the Y.Text "minutes", synced through Socket.IO.
// The server persists every update before acknowledging it; until then edits are "pending",
// kept in localStorage (a reload loses nothing) and re-sent as a diff after a reconnect.
// The connection (socket, network loss, acks with a timeout, client ids) is lib/live.js.
import * as Y from "yjs";
import { STATES } from "./lib/labels.js";
import { Connection } from "./lib/live.js";
import { diffText, fromBase64, shiftIndex, toBase64 } from "./lib/textdiff.js";

const SEND_DELAY = 150;
const ACK_TIMEOUT = 15000; // longer than the 10 s of board commands, as before
const PREVIEW_DELAY = 400; // after one's own edit is saved
// After others' edits: fetch the preview once they pause this long, and at least every PREVIEW_MAX_WAIT while
// they go on, rather than once per keystroke of every editor in the room (each fetch costs the server).
const REMOTE_PREVIEW_DELAY = 1500;
const PREVIEW_MAX_WAIT = 5000;
// What the editor tells about the text: saved or not, rather than the state of the connection.
const STATUS = {
  saved: "Enregistré",
  pending: "Non synchronisé",
  offline: "Non synchronisé (hors ligne)",
  connecting: STATES.connecting,
  readonly: "Lecture seule : l'atelier est clos",
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
    this.editor = el.querySelector('[data-testid="minutes-editor"]');
    this.preview = el.querySelector('[data-testid="minutes-preview"]');
    this.statusEl = el.querySelector('[data-testid="minutes-sync"]');
    this.errorEl = el.querySelector("[data-minutes-error]");
    this.prefix = `fabrique.minutes.${this.code}.`;
    this.storeKey = this.prefix + tabId();
    this.pending = null; // local updates not sent yet
    this.inflight = null; // sent, waiting for the ack
    this.generation = 0; // bumps on every (re)connection; stale acks are ignored
    this.synced = false;
    this.editable = el.dataset.phase !== "closed";
    this.restoredKeys = [];
    this.bindDoc(new Y.Doc());
  }

  bindDoc(doc) {
    this.doc = doc;
    this.text = doc.getText("minutes");
    doc.on("update", (update, origin) => this.localUpdate(update, origin));
    this.text.observe((event, tr) => {
      if (tr.origin !== "local") this.showRemote(event.delta);
    });
  }

  start() {
    this.restore();
    this.editor.addEventListener("input", () => this.typed());
    this.el.querySelector("[data-minutes-results]")?.addEventListener("click", () => this.insertResults());
    // A hidden tab fetches no preview; it catches up when shown again.
    document.addEventListener("visibilitychange", () => this.previewStale && this.schedulePreview(0));
    window.addEventListener("beforeunload", (e) => {
      if (this.pending || this.inflight) {
        e.preventDefault();
        e.returnValue = "";
      }
    });
    this.live = new Connection({
      code: this.code,
      ackTimeout: ACK_TIMEOUT,
      idPrefix: "m-",
      events: {
        "minutes.update": ({ update }) => this.remote(update),
        event: (env) => {
          if (env && env.type === "phase.changed") this.setEditable(env.data.phase !== "closed");
        },
      },
      onConnect: () => this.sync(),
      onDisconnect: () => this.lost(),
      onStatus: () => this.render(),
    });
    this.live.start();
    this.render();
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
      this.showError("Impossible de garder une copie locale : ne fermez pas la page avant « Enregistré ».");
    }
  }

  localUpdate(update, origin) {
    if (origin === "remote" || origin === "restore") return;
    this.pending = this.pending ? Y.mergeUpdates([this.pending, update]) : update;
    this.save();
    this.schedule();
    this.render();
  }

  // --- editor <-> Y.Text ---------------------------------------------------------
  typed() {
    if (!this.synced || !this.editable) return;
    const d = diffText(this.text.toString(), this.editor.value);
    if (!d) return;
    this.doc.transact(() => {
      if (d.remove) this.text.delete(d.index, d.remove);
      if (d.insert) this.text.insert(d.index, d.insert);
    }, "local");
  }

  showRemote(delta) {
    const ed = this.editor;
    const focused = document.activeElement === ed;
    const [start, end, dir, top] = [ed.selectionStart, ed.selectionEnd, ed.selectionDirection, ed.scrollTop];
    ed.value = this.text.toString();
    if (focused) ed.setSelectionRange(shiftIndex(start, delta), shiftIndex(end, delta), dir);
    ed.scrollTop = top;
    this.remotePreview();
  }

  // --- server ----------------------------------------------------------------------
  async sync() {
    const generation = ++this.generation;
    this.render();
    const ack = await this.live.send("minutes.sync");
    if (generation !== this.generation) return;
    if (!ack.ok) {
      this.showError(ack.error && !UNANSWERED.has(ack.error.code) ? ack.error.message : "Synchronisation impossible, nouvel essai…");
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
    this.setEditable(ack.editable);
    this.showRemote([]);
    this.schedulePreview(0);
    this.flush();
  }

  lost() {
    this.generation++;
    if (this.inflight) {
      this.pending = this.pending ? Y.mergeUpdates([this.inflight, this.pending]) : this.inflight;
      this.inflight = null;
    }
    this.render();
  }

  remote(b64) {
    try {
      Y.applyUpdate(this.doc, fromBase64(b64), "remote");
    } catch (err) {
      this.live.connected && this.sync();
    }
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
    else this.rejected(ack.error || { code: "internal", message: "Erreur inconnue." });
  }

  acked() {
    this.inflight = null;
    this.save();
    for (const key of this.restoredKeys.splice(0)) if (key !== this.storeKey) localStorage.removeItem(key);
    this.hideError();
    this.render();
    this.schedulePreview(PREVIEW_DELAY);
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
    if (error.code === "phase") this.setEditable(false);
    this.showError(error.message);
    this.reset();
  }

  // The server refused these edits for good: start again from its state so both sides agree.
  reset() {
    this.pending = null;
    this.inflight = null;
    this.save();
    this.doc.destroy();
    this.bindDoc(new Y.Doc());
    this.synced = false;
    this.render();
    if (this.live.connected) this.sync();
  }

  setEditable(editable) {
    this.editable = !!editable;
    this.editor.readOnly = !(this.synced && this.editable);
    this.el.querySelector("[data-minutes-results]")?.toggleAttribute("disabled", !this.editable);
    this.render();
  }

  async insertResults() {
    const ack = await this.live.command("minutes.results");
    if (ack.ok) this.hideError();
    else this.showError(ack.error ? ack.error.message : "Erreur inconnue.");
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
      const res = await fetch(this.api, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (res.ok) {
        const data = await res.json();
        this.preview.innerHTML = data.html; // sanitized by the server (render_markdown)
        this.showRegister("decisions", data.decisions || [], (d) => d.text);
        this.showRegister("actions", data.actions || [], actionLabel);
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
        line.textContent = ` (ligne ${item.line})`;
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
    this.editor.readOnly = !(this.synced && this.editable);
    this.editor.setAttribute("aria-busy", this.synced ? "false" : "true");
  }

  showError(message) {
    this.errorEl.textContent = message;
    this.errorEl.hidden = false;
  }

  hideError() {
    this.errorEl.hidden = true;
  }
}

function actionLabel(a) {
  const parts = [a.text];
  if (a.owner) parts.push(`@${a.owner}`);
  if (a.due) parts.push(`échéance ${a.due}`);
  return parts.join(" — ");
}

const root = document.querySelector("[data-minutes]");
if (root) new MinutesEditor(root).start();
