// Tiny DOM helpers. Text always goes through textContent: user text is never parsed as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function option(value, label, selected = false) {
  const el = h("option", { value: String(value) }, label);
  el.selected = selected;
  return el;
}

/** A unique id usable as client_id (≤ 64 chars); works on plain http too. */
export function newId(prefix = "c") {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

let liveTimer = null;
/** Announce through the polite live region; messages close together are merged. */
export function announce(message) {
  const live = document.getElementById("live");
  if (!live) return;
  const pending = live.dataset.pending ? live.dataset.pending + " " : "";
  live.dataset.pending = pending + message;
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => {
    live.textContent = live.dataset.pending;
    live.dataset.pending = "";
  }, 400);
}
