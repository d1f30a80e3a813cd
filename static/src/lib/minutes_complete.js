// Helpers for the register lines of the minutes (syntax: app/lib/minutes_text.py):
//   /décision texte
//   /action texte @responsable due:AAAA-MM-JJ
// as CodeMirror completions: the two commands at the start of a line, `@responsable` from the people
// of the workshop, and a date for `due:` / `échéance:` (a few near dates, or a calendar in a panel).
import { autocompletion } from "@codemirror/autocomplete";
import { StateEffect, StateField } from "@codemirror/state";
import { showPanel } from "@codemirror/view";
import { formatDateTime, lang, t } from "./i18n.js";

// What may stand before the command on its line: spaces, quote marks, a list marker, a task box.
const LEAD = String.raw`^\s*(?:>\s*)*(?:(?:[-*+]|\d{1,9}[.)])\s+)?(?:\[[ xX]\]\s+)?`;
const COMMAND_RE = new RegExp(`${LEAD}(/[\\p{L}]*)$`, "u");
const ACTION_LINE_RE = new RegExp(`${LEAD}/action(?=[\\s:]|$)`, "iu");
const OWNER_RE = /(?<![\p{L}\p{N}_.@])@([\p{L}\p{N}_.-]*)$/u;
const DUE_RE = /(?:^|\s)(?:due|[ée]ch[ée]ance)\s?:\s?([\d-]{0,10})$/iu;

const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

// The commands are syntax, not text (app/lib/minutes_text.py reads /décision, /decision and /action in any
// language): French pages offer the French keyword, others its unaccented spelling; only the details are words.
const DECISION = lang === "fr" ? "/d\u00e9cision" : "/decision";
const COMMANDS = [
  { label: DECISION, apply: `${DECISION} `, detail: t("une décision du relevé"), type: "keyword" },
  { label: "/action", apply: "/action ", detail: t("texte @responsable due:AAAA-MM-JJ"), type: "keyword" },
];

/** The name as the register reads it after `@`: letters, digits, `_`, `-` and `.` only. */
export function ownerHandle(name) {
  return String(name)
    .trim()
    .replace(/\s+/gu, "_")
    .replace(/[^\p{L}\p{N}_.-]/gu, "")
    .replace(/^[.-]+|[.-]+$/g, "");
}

export function isoDate(d) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const LONG_DATE = { weekday: "long", day: "numeric", month: "long", year: "numeric" };

function nearDates(today = new Date()) {
  const at = (days) => new Date(today.getFullYear(), today.getMonth(), today.getDate() + days);
  const endOfMonth = new Date(today.getFullYear(), today.getMonth() + 1, 0);
  return [
    [t("demain"), at(1)],
    [t("dans une semaine"), at(7)],
    [t("dans deux semaines"), at(14)],
    [t("fin du mois"), endOfMonth],
    [t("dans un mois"), new Date(today.getFullYear(), today.getMonth() + 1, today.getDate())],
    [t("dans trois mois"), new Date(today.getFullYear(), today.getMonth() + 3, today.getDate())],
  ];
}

function commandSource(context, before) {
  const m = COMMAND_RE.exec(before);
  if (!m) return null;
  const typed = fold(m[1]);
  const options = COMMANDS.filter((c) => fold(c.label).startsWith(typed));
  return options.length ? { from: context.pos - m[1].length, options, filter: false } : null;
}

function ownerSource(context, before, people) {
  if (!ACTION_LINE_RE.test(before)) return null;
  const m = OWNER_RE.exec(before);
  if (!m) return null;
  const typed = fold(m[1]);
  const seen = new Set();
  const options = [];
  for (const name of people()) {
    const handle = ownerHandle(name);
    // A handle equal to what is typed completes nothing (it may be this very line's owner, read back
    // from the register while it is being typed).
    if (!handle || seen.has(handle) || !fold(handle).includes(typed) || fold(handle) === typed) continue;
    seen.add(handle);
    options.push({ label: `@${handle}`, apply: `@${handle} `, detail: name === handle ? undefined : name, type: "variable" });
  }
  options.sort((a, b) => a.label.localeCompare(b.label, lang));
  return options.length ? { from: context.pos - m[1].length - 1, options, filter: false } : null;
}

function dueSource(context, before) {
  const m = DUE_RE.exec(before);
  if (!m) return null;
  const from = context.pos - m[1].length;
  const options = nearDates().map(([label, date]) => ({
    label: isoDate(date),
    detail: `${label} — ${formatDateTime(date, LONG_DATE)}`,
    apply: isoDate(date) + " ",
    type: "constant",
  }));
  options.push({
    label: t("Choisir dans le calendrier…"),
    detail: t("ouvre un sélecteur de date"),
    type: "text",
    apply: (view, _completion, start, end) => openDatePicker(view, start, end),
  });
  return { from, options, filter: false };
}

/** The completion source of the register: `people()` gives the names to offer after `@`. */
export function registerSource(people) {
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    return commandSource(context, before) || ownerSource(context, before, people) || dueSource(context, before);
  };
}

export function minutesCompletion(people) {
  return autocompletion({ override: [registerSource(people)], icons: false, activateOnTyping: true });
}

// --- the calendar: a panel under the editor, with the browser's own date input -----------------
const openPicker = StateEffect.define();
const closePicker = StateEffect.define();

// The place where the date goes ({from, to}), kept in step with every edit (ours and remote ones).
const pickerField = StateField.define({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) {
      if (e.is(openPicker)) return e.value;
      if (e.is(closePicker)) return null;
    }
    if (value && tr.docChanged) return { from: tr.changes.mapPos(value.from, -1), to: tr.changes.mapPos(value.to, 1) };
    return value;
  },
  provide: (f) => showPanel.from(f, (on) => (on ? datePanel : null)),
});

export function openDatePicker(view, from, to) {
  view.dispatch({ effects: openPicker.of({ from, to }) });
}

function datePanel(view) {
  const dom = document.createElement("form");
  dom.className = "cm-date-picker";
  dom.setAttribute("aria-label", t("Choisir une échéance"));
  const label = document.createElement("label");
  label.append(t("Échéance"), " ");
  const input = document.createElement("input");
  input.type = "date";
  input.required = true;
  input.value = isoDate(new Date(Date.now() + 7 * 86400000));
  label.append(input);
  const ok = document.createElement("button");
  ok.type = "submit";
  ok.textContent = t("Insérer la date");
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary";
  cancel.textContent = t("Annuler");
  dom.append(label, ok, cancel);
  const close = () => {
    view.dispatch({ effects: closePicker.of(null) });
    view.focus();
  };
  dom.addEventListener("submit", (e) => {
    e.preventDefault();
    const at = view.state.field(pickerField);
    if (!at || !/^\d{4}-\d{2}-\d{2}$/.test(input.value)) return;
    const insert = input.value + " ";
    view.dispatch({
      changes: { from: at.from, to: at.to, insert },
      selection: { anchor: at.from + insert.length },
      effects: closePicker.of(null),
      userEvent: "input.complete",
    });
    view.focus();
  });
  cancel.addEventListener("click", close);
  dom.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  });
  return {
    dom,
    top: false,
    mount() {
      input.focus();
      try {
        input.showPicker?.();
      } catch (err) {
        /* showPicker needs a user gesture in some browsers: the field is there anyway */
      }
    },
  };
}

export const datePicker = pickerField;
