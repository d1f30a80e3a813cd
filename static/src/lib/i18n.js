// The page's language and its catalog (app/i18n.py embeds it as #fabrique-i18n): every word a script
// shows comes from t()/tn(), whose French msgids are extracted into translations/*/js.po (make i18n).

function read() {
  const node = typeof document !== "undefined" && document.getElementById("fabrique-i18n");
  try {
    return node ? JSON.parse(node.textContent) : {};
  } catch {
    return {};
  }
}

const catalog = read();

/** The page's language: "fr" (the source) or "en". */
export const lang = catalog.lang || (typeof document !== "undefined" && document.documentElement.lang) || "fr";
const messages = catalog.messages || {};

/** Labels defined once on the server (app/i18n.py): phases, grades (index = grade), colours. */
export const labels = catalog.labels || { phases: {}, grades: [], colors: {} };

function fill(text, params) {
  return params ? text.replace(/\{(\w+)\}/g, (whole, key) => (key in params ? String(params[key]) : whole)) : text;
}

/** The message `msgid` (French) in the page's language, with {name} placeholders filled from `params`. */
export function t(msgid, params) {
  const found = messages[msgid];
  return fill(typeof found === "string" && found ? found : msgid, params);
}

// French takes the singular for 0 and 1, English for 1 only (the catalogs' Plural-Forms).
const plural = (n) => (lang === "fr" ? n > 1 : n !== 1);

/** The singular or plural form for `n`; `{n}` is filled with the number formatted for the language. */
export function tn(singular, pluralForm, n, params) {
  const found = messages[singular];
  const forms = Array.isArray(found) && found[0] ? found : [singular, pluralForm];
  return fill(plural(n) ? forms[1] : forms[0], { n: formatNumber(n), ...params });
}

// English for a European public: "30 November 2026", 24-hour times (as app/i18n.py LOCALES).
const locale = lang === "en" ? "en-GB" : "fr-FR";
const numbers = new Intl.NumberFormat(locale);

export function formatNumber(n) {
  return numbers.format(n);
}

/** A date and time shown in the page's language (the workshop's zone when given). */
export function formatDateTime(value, options = { dateStyle: "medium", timeStyle: "short" }) {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? "" : new Intl.DateTimeFormat(locale, options).format(date);
}

/** Headers of a fetch to the JSON API: its messages follow Accept-Language (docs/protocol.md). */
export function apiHeaders(extra = {}) {
  return { Accept: "application/json", "Accept-Language": lang, ...extra };
}
