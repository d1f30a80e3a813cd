// The connection layer. `Connection`: one Socket.IO connection to a workshop, network
// loss, commands acknowledged within a timeout, client ids and the connection state.
// `Live` adds the log discipline of the board: track the last seq, drop duplicates,
// `sync {since}` on a gap, a reconnect or a resync flag, and say how things stand.
import { io } from "socket.io-client";
import { newId } from "./dom.js";
import { lang, t } from "./i18n.js";

const ACK_TIMEOUT = 10000;
const OFFLINE_AFTER = 20000;
const noop = () => {};

export class Connection {
  /**
   * events: { name: handler } for the server's messages this page listens to.
   * onConnect / onDisconnect(reason): the socket opened / closed.
   * onStatus(state, message): connecting, reconnecting, offline (labels.js STATES).
   */
  constructor({ code, events = {}, ackTimeout = ACK_TIMEOUT, idPrefix = "c", onStatus = noop, onConnect = noop, onDisconnect = noop, auth = {} }) {
    // auth: extra fields of the socket's auth, e.g. {presenter: TOKEN} for a presenter link (protocol.md §6).
    Object.assign(this, { code, events, ackTimeout, idPrefix, onStatus, onConnect, onDisconnect, auth });
    this.netDown = typeof navigator !== "undefined" && navigator.onLine === false;
    this.offlineTimer = null;
  }

  get connected() {
    return Boolean(this.socket && this.socket.connected);
  }

  start() {
    this.socket = io({
      // lang: the server's messages on this socket speak the page's language (app/i18n.py).
      auth: { ...this.auth, workshop: this.code, lang },
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      autoConnect: !this.netDown,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    const s = this.socket;
    s.on("connect", () => this.opened());
    s.on("disconnect", (reason) => {
      this.lost(reason);
      this.onDisconnect(reason);
    });
    s.on("connect_error", (err) => this.refused(err));
    for (const [name, handler] of Object.entries(this.events)) s.on(name, handler);
    // Emulated or real network loss does not always close a WebSocket: do it ourselves.
    window.addEventListener("offline", () => {
      this.netDown = true;
      if (s.connected) s.disconnect();
      else this.lost("offline");
    });
    window.addEventListener("online", () => {
      this.netDown = false;
      if (!s.connected) s.connect();
    });
    if (this.netDown) this.lost("offline");
    else this.status("connecting");
  }

  opened() {
    this.onConnect();
  }

  status(state, message) {
    clearTimeout(this.offlineTimer);
    this.offlineTimer = null;
    this.onStatus(state, message);
  }

  lost(reason) {
    this.status("reconnecting");
    this.offlineTimer = setTimeout(() => this.onStatus("offline"), OFFLINE_AFTER);
    // The server closed us on purpose (e.g. participation removed): try once more later.
    if (reason === "io server disconnect") setTimeout(() => !this.netDown && this.socket.connect(), 3000);
  }

  refused(err) {
    // A refusal by the server (bad identity, unknown workshop) will not cure itself.
    if (!this.socket.active) this.status("offline", err && err.message);
    else if (!this.offlineTimer) this.lost("connect_error");
  }

  /** Send a command; always resolves with an ack-shaped object. */
  send(name, payload = {}) {
    if (!this.connected) {
      return Promise.resolve({ ok: false, error: { code: "offline", message: t("Hors ligne : réessayez au retour de la connexion.") } });
    }
    return new Promise((resolve) => {
      this.socket.timeout(this.ackTimeout).emit(name, payload, (err, ack) => {
        if (err) resolve({ ok: false, error: { code: "timeout", message: t("Le serveur ne répond pas : réessayez.") } });
        else resolve(ack || { ok: false, error: { code: "internal", message: t("Réponse vide du serveur.") } });
      });
    });
  }

  /** Send a command with a fresh client_id (the server drops a command it has already seen). */
  command(name, payload = {}) {
    return this.send(name, { ...payload, client_id: newId(this.idPrefix) });
  }
}

export class Live extends Connection {
  constructor({ code, state, onSnapshot, onChange, onSynced, onStatus, onPresence, idPrefix, auth }) {
    super({ code, onStatus, idPrefix, auth });
    Object.assign(this, { state, onSnapshot, onChange, onSynced, onPresence });
    this.events = { event: (env) => this.receive(env), presence: (p) => this.onPresence(p) };
    this.buffer = [];
    this.syncing = false;
    this.again = null; // since of a sync asked for while one was running
    this.clockOffset = 0; // server clock minus ours, in ms
  }

  opened() {
    this.sync(this.state.seq);
  }

  lost(reason) {
    this.syncing = false;
    this.buffer = [];
    super.lost(reason);
  }

  receive(env) {
    if (!env || typeof env.seq !== "number") return;
    if (this.syncing || !this.state.loaded) {
      this.buffer.push(env);
      return;
    }
    this.process(env);
  }

  process(env) {
    const where = this.state.classify(env);
    if (where === "old") return; // e.g. the public copy after the author's own copy
    if (where === "gap") {
      this.buffer.push(env);
      this.sync(this.state.seq);
      return;
    }
    const change = this.state.apply(env);
    this.onChange(change, env);
    if (change.resync) this.sync(0);
  }

  sync(since) {
    if (this.syncing) {
      this.again = this.again === null ? since : Math.min(this.again, since);
      return;
    }
    this.syncing = true;
    this.status("catching-up");
    this.socket.timeout(this.ackTimeout * 2).emit("sync", { since }, (err, ack) => this.synced(err, ack, since));
  }

  synced(err, ack, since) {
    this.syncing = false;
    if (err || !ack || !ack.ok) {
      if (this.socket.connected) setTimeout(() => this.sync(since), 1000);
      return;
    }
    if (ack.now) this.clockOffset = Date.parse(ack.now) - Date.now();
    let resync = false;
    if (ack.snapshot) {
      this.state.loadSnapshot(ack.snapshot);
      this.onSnapshot();
    } else {
      for (const env of ack.events) {
        if (this.state.classify(env) !== "next") continue;
        const change = this.state.apply(env);
        this.onChange(change, env);
        resync = resync || Boolean(change.resync);
      }
    }
    const waiting = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    if (resync || this.again !== null) {
      const next = resync ? 0 : Math.min(this.again, this.state.seq);
      this.again = null;
      this.buffer = waiting;
      this.sync(next);
      return;
    }
    this.status("connected");
    for (const env of waiting) this.receive(env);
    if (!this.syncing) this.onSynced();
  }

  /** Milliseconds left before an ISO instant of the server. */
  remaining(isoEnd) {
    return Date.parse(isoEnd) - (Date.now() + this.clockOffset);
  }
}
