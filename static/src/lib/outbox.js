// Ideas typed but not yet acknowledged by the server. Kept in memory and in
// localStorage so neither a lost connection nor a reload makes them vanish;
// each keeps its client_id, so sending twice still creates one idea.
import { newId } from "./dom.js";

export class Outbox {
  constructor(key) {
    this.key = key;
    this.items = this.load();
  }

  load() {
    try {
      const raw = JSON.parse(localStorage.getItem(this.key) || "[]");
      // After a reload nothing is in flight any more: retry everything not refused.
      return Array.isArray(raw) ? raw.map((i) => ({ ...i, sending: false })) : [];
    } catch {
      return [];
    }
  }

  save() {
    try {
      if (this.items.length) localStorage.setItem(this.key, JSON.stringify(this.items));
      else localStorage.removeItem(this.key);
    } catch {
      /* private mode or full storage: memory still holds the ideas */
    }
  }

  add(payload) {
    const item = { client_id: newId("idea-"), ...payload, error: null, sending: false };
    this.items.push(item);
    this.save();
    return item;
  }

  get(clientId) {
    return this.items.find((i) => i.client_id === clientId);
  }

  update(clientId, changes) {
    const item = this.get(clientId);
    if (item) Object.assign(item, changes);
    this.save();
  }

  remove(clientId) {
    this.items = this.items.filter((i) => i.client_id !== clientId);
    this.save();
  }

  /** Items to (re)send: not refused by the server and not already in flight. */
  ready() {
    return this.items.filter((i) => !i.error && !i.sending);
  }
}

/** The text being typed, saved as it is typed. */
export class Draft {
  constructor(key) {
    this.key = key;
  }

  get() {
    try {
      return localStorage.getItem(this.key) || "";
    } catch {
      return "";
    }
  }

  set(text) {
    try {
      if (text) localStorage.setItem(this.key, text);
      else localStorage.removeItem(this.key);
    } catch {
      /* ignore: the text is still in the field */
    }
  }
}
