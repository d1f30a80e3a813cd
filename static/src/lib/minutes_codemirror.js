// The minutes' CodeMirror 6 editor, bound to the shared Y.Text by y-codemirror.next (ySync), with
// the Yjs UndoManager (Ctrl+Z undoes only one's own edits, never someone else's), Markdown
// highlighting (GFM: tables, strikethrough), others' cursors with their names, and the register
// helpers (/décision, /action, @responsable, due:). The contenteditable element carries the
// contract's data-testid="minutes-editor".
import * as Y from "yjs";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { Compartment, EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, placeholder } from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { HighlightStyle, LanguageSupport, syntaxHighlighting } from "@codemirror/language";
import { deleteMarkupBackward, insertNewlineContinueMarkup, markdownLanguage } from "@codemirror/lang-markdown";
import { completionKeymap } from "@codemirror/autocomplete";
import { tags } from "@lezer/highlight";
import { lang, t } from "./i18n.js";
import { peerCursors, peerTheme } from "./minutes_cursors.js";
import { datePicker, minutesCompletion } from "./minutes_complete.js";

// Markdown as people read it: headings bigger, emphasis as emphasis, marks in grey.
const markdownStyle = HighlightStyle.define([
  { tag: tags.heading1, fontWeight: "700", fontSize: "1.35em" },
  { tag: tags.heading2, fontWeight: "700", fontSize: "1.2em" },
  { tag: [tags.heading3, tags.heading4, tags.heading5, tags.heading6], fontWeight: "700" },
  { tag: tags.strong, fontWeight: "700" },
  { tag: tags.emphasis, fontStyle: "italic" },
  { tag: tags.strikethrough, textDecoration: "line-through" },
  { tag: tags.link, color: "#1f5fbf", textDecoration: "underline" },
  { tag: tags.url, color: "#1f5fbf" },
  { tag: tags.monospace, fontFamily: "ui-monospace, 'Liberation Mono', Menlo, monospace", backgroundColor: "#f1f3f5" },
  { tag: tags.quote, color: "#4a5561", fontStyle: "italic" },
  { tag: [tags.processingInstruction, tags.meta, tags.contentSeparator], color: "#5f6b76" },
]);

const theme = EditorView.theme({
  "&": { backgroundColor: "#fff", border: "1px solid var(--line, #c9ced6)", borderRadius: "6px", fontSize: "1rem" },
  "&.cm-focused": { outline: "3px solid var(--focus, #1f5fbf)", outlineOffset: "1px" },
  ".cm-scroller": { fontFamily: "ui-monospace, 'Liberation Mono', Menlo, monospace", lineHeight: "1.5" },
  // room above the first line for a name label
  ".cm-content": { padding: "1.3em 0 .75em", caretColor: "#111" },
  ".cm-line": { padding: "0 .6rem" },
  "&.cm-readonly": { backgroundColor: "#f1f3f5" },
  ".cm-panels": { backgroundColor: "#f7f8fa", borderTop: "1px solid var(--line, #c9ced6)" },
  ".cm-date-picker": { display: "flex", flexWrap: "wrap", gap: ".5rem", alignItems: "center", padding: ".5rem" },
  ".cm-activeLine": { backgroundColor: "#f5f8ff" },
  ".cm-placeholder": { color: "#4a5561" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "#1f5fbf", color: "#fff" },
});

export function createEditor({ parent, ytext, awareness, people, labelledBy, describedBy, nonce }) {
  const readOnly = new Compartment();
  const collab = new Compartment();
  const attributes = {
    "data-testid": "minutes-editor",
    "aria-labelledby": labelledBy,
    "aria-describedby": describedBy,
    spellcheck: "true",
    autocapitalize: "sentences",
    lang, // spelling checked in the writer's language
    // focusable whether editable or not (read-only: to scroll and read); axe wants it said in tabindex
    tabindex: "0",
  };
  const collabFor = (text, aw) => {
    const undoManager = new Y.UndoManager(text);
    return [yCollab(text, null, { undoManager }), peerCursors(text, aw)];
  };
  const stateFor = (text, aw, locked) =>
    EditorState.create({
      doc: text.toString(),
      extensions: [
        collab.of(collabFor(text, aw)),
        readOnly.of(lockedExtension(locked)),
        keymap.of([...yUndoManagerKeymap, ...completionKeymap, { key: "Enter", run: insertNewlineContinueMarkup }, { key: "Backspace", run: deleteMarkupBackward }, ...defaultKeymap]),
        new LanguageSupport(markdownLanguage),
        syntaxHighlighting(markdownStyle),
        minutesCompletion(people),
        datePicker,
        drawSelection(),
        highlightActiveLine(),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of(attributes),
        // CodeMirror writes its styles into a <style> element: the page's CSP allows it by this nonce
        EditorView.cspNonce.of(nonce || ""),
        placeholder(t("Écrivez ici le compte rendu…")),
        theme,
        peerTheme,
      ],
    });
  let locked = true;
  const view = new EditorView({ parent, state: stateFor(ytext, awareness, locked) });
  return {
    view,
    // A new shared document (after a refused edit): a fresh state bound to it.
    rebind(text, aw) {
      view.setState(stateFor(text, aw, locked));
    },
    setReadOnly(value, reason) {
      if (value === locked && view.dom.dataset.reason === (reason || "")) return;
      locked = value;
      view.dom.dataset.reason = reason || "";
      view.dispatch({ effects: readOnly.reconfigure(lockedExtension(value, reason)) });
    },
  };
}

function lockedExtension(locked, reason) {
  if (!locked) return [];
  return [
    EditorState.readOnly.of(true),
    EditorView.editable.of(false),
    EditorView.editorAttributes.of({ class: "cm-readonly" }),
    EditorView.contentAttributes.of({ "aria-readonly": "true", title: reason || t("Lecture seule") }),
  ];
}
