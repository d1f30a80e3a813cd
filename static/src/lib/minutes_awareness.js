// Who else is in the minutes, and where their cursor is: y-protocols awareness, relayed by the
// server as `minutes.awareness {update}` (never stored). Each person shows as {name, color}.
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from "y-protocols/awareness";

// Dark enough for white text on them (name labels) and distinct from one another.
export const PALETTE = ["#1f5fbf", "#b3261e", "#1a7f37", "#7a3fc8", "#a64b00", "#0b7285", "#b02a75", "#5c6300"];
// ms: cursor moves are coalesced, the last state always goes out. Typing needs no update (a cursor is a
// Yjs relative position: it follows the text by itself); a quarter of a rate token each stays well within
// the per-socket rate beside the text's own updates.
const SEND_EVERY = 200;

export function colorFor(key) {
  let hash = 0;
  for (const ch of String(key)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

// Only a plain #rrggbb from another client reaches a style; anything else gets a colour of ours.
export function safeColor(color, fallbackKey) {
  return typeof color === "string" && /^#[0-9a-fA-F]{6}$/.test(color) ? color : colorFor(fallbackKey);
}

export class Peers {
  constructor({ me, send }) {
    this.me = me;
    this.send = send;
    this.awareness = null;
    this.changed = new Set();
    this.timer = null;
  }

  bind(doc) {
    const old = this.awareness;
    if (old) {
      // The old document's client leaves; the new one introduces itself after the next sync.
      removeAwarenessStates(old, [old.clientID], "rebind");
      this.send(encodeAwarenessUpdate(old, [old.clientID]));
      old.destroy();
    }
    this.changed.clear();
    const awareness = new Awareness(doc);
    this.awareness = awareness;
    awareness.setLocalStateField("user", { name: this.me.name.slice(0, 80), color: colorFor(this.me.key || this.me.name) });
    awareness.on("update", ({ added, updated, removed }, origin) => {
      if (awareness !== this.awareness) return;
      if (origin === "local") {
        for (const id of [...added, ...updated, ...removed]) this.changed.add(id);
        this.plan();
      }
    });
    // Someone we did not know: they do not know us either, tell them who we are at once.
    awareness.on("change", ({ added }, origin) => {
      if (awareness === this.awareness && origin === "remote" && added.some((id) => id !== awareness.clientID)) this.announce();
    });
  }

  plan() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const ids = [...this.changed];
      this.changed.clear();
      if (ids.length) this.send(encodeAwarenessUpdate(this.awareness, ids));
    }, SEND_EVERY);
  }

  announce() {
    this.changed.add(this.awareness.clientID);
    this.plan();
  }

  // `decode()` gives the update's bytes; a malformed one from someone else is ignored.
  receive(decode) {
    try {
      applyAwarenessUpdate(this.awareness, decode(), "remote");
    } catch (err) {
      /* ignored */
    }
  }

  // Connection lost: the others' cursors are stale, they come back with their next update.
  disconnected() {
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.awareness.clientID);
    if (others.length) removeAwarenessStates(this.awareness, others, "offline");
  }

  leave() {
    clearTimeout(this.timer);
    this.timer = null;
    removeAwarenessStates(this.awareness, [this.awareness.clientID], "local");
    this.send(encodeAwarenessUpdate(this.awareness, [this.awareness.clientID]));
  }

  names() {
    const out = [];
    this.awareness.getStates().forEach((state, id) => {
      if (id !== this.awareness.clientID && state.user) out.push(String(state.user.name));
    });
    return out;
  }
}
