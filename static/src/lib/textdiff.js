// Plain-text helpers for binding a <textarea> to a Y.Text (UTF-16 indexes on both sides).

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

// The single edit turning `before` into `after`: {index, remove, insert}, or null when equal.
// The common prefix/suffix never splits a surrogate pair, so an emoji is never half-deleted.
export function diffText(before, after) {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHigh(before.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < max - start
    && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  if (end > 0 && isLow(before.charCodeAt(before.length - end))) end--;
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

// Where an index of the old text lands after a remote Y.Text delta ([{retain}|{insert}|{delete}]).
// `old` walks the old text: retain and delete consume it, insert does not. Text inserted
// exactly at the index goes after it, so the caret stays where one was typing.
export function shiftIndex(index, delta) {
  let old = 0;
  let out = index;
  for (const op of delta) {
    if (old > index) break;
    if (op.retain) old += op.retain;
    else if (op.insert) {
      if (old < index) out += typeof op.insert === "string" ? op.insert.length : 1;
    } else if (op.delete) {
      out -= Math.min(op.delete, Math.max(0, index - old));
      old += op.delete;
    }
  }
  return out;
}

export function toBase64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
