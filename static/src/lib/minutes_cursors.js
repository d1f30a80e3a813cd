// Other people's cursors and selections in the minutes, each with its author's name and colour.
// Our own cursor goes into the awareness state as Yjs relative positions (they survive concurrent
// edits). y-codemirror.next has a plugin for this, but it writes colours through `style`
// attributes, which the pages' Content-Security-Policy (style-src 'self') blocks; here colours are
// set through the CSSOM (element.style / CodeMirror's cssText), which the policy allows.
import * as Y from "yjs";
import { Annotation, RangeSet } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, WidgetType } from "@codemirror/view";
import { t } from "./i18n.js";
import { safeColor } from "./minutes_awareness.js";

const refresh = Annotation.define();

class Caret extends WidgetType {
  constructor(color, name) {
    super();
    this.color = color;
    this.name = name;
  }

  eq(other) {
    return other.color === this.color && other.name === this.name;
  }

  toDOM() {
    const caret = document.createElement("span");
    caret.className = "cm-peer-caret";
    caret.style.borderColor = this.color;
    caret.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.className = "cm-peer-name";
    label.style.backgroundColor = this.color;
    label.textContent = this.name;
    caret.append("\u2060", label, "\u2060");
    return caret;
  }

  ignoreEvent() {
    return true;
  }
}

function sameRelative(json, rel) {
  return json && Y.compareRelativePositions(Y.createRelativePositionFromJSON(json), rel);
}

// The plugin is built for one (Y.Text, awareness) pair; the editor swaps it with the document.
export function peerCursors(ytext, awareness) {
  return ViewPlugin.fromClass(
    class {
      constructor(view) {
        this.decorations = RangeSet.empty;
        this.alive = true;
        this.listener = ({ added, updated, removed }) => {
          const others = [...added, ...updated, ...removed].some((id) => id !== awareness.clientID);
          if (others) queueMicrotask(() => this.alive && view.dispatch({ annotations: refresh.of(true) }));
        };
        awareness.on("change", this.listener);
      }

      destroy() {
        this.alive = false;
        awareness.off("change", this.listener);
      }

      update(update) {
        this.publish(update);
        this.decorations = this.draw(update.state.doc);
      }

      publish(update) {
        const local = awareness.getLocalState();
        if (!local || !(update.selectionSet || update.focusChanged || update.docChanged)) return;
        const focused = update.view.hasFocus;
        if (!focused) {
          if (local.cursor) awareness.setLocalStateField("cursor", null);
          return;
        }
        const sel = update.state.selection.main;
        const anchor = Y.createRelativePositionFromTypeIndex(ytext, sel.anchor);
        const head = Y.createRelativePositionFromTypeIndex(ytext, sel.head);
        if (!local.cursor || !sameRelative(local.cursor.anchor, anchor) || !sameRelative(local.cursor.head, head)) {
          awareness.setLocalStateField("cursor", { anchor, head });
        }
      }

      draw(doc) {
        const ranges = [];
        awareness.getStates().forEach((state, id) => {
          if (id === awareness.clientID || !state.cursor || !state.user) return;
          const anchor = absolute(state.cursor.anchor, ytext);
          const head = absolute(state.cursor.head, ytext);
          if (anchor === null || head === null || Math.max(anchor, head) > doc.length) return;
          const color = safeColor(state.user.color, id);
          const name = String(state.user.name || t("Anonyme")).slice(0, 80);
          const [from, to] = [Math.min(anchor, head), Math.max(anchor, head)];
          if (from < to) {
            ranges.push(Decoration.mark({ class: "cm-peer-selection", attributes: { style: `background-color: ${color}33` } }).range(from, to));
          }
          ranges.push(Decoration.widget({ widget: new Caret(color, name), side: head > anchor ? -1 : 1 }).range(head));
        });
        return Decoration.set(ranges, true);
      }
    },
    { decorations: (v) => v.decorations },
  );
}

function absolute(json, ytext) {
  if (!json) return null;
  try {
    const pos = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), ytext.doc);
    return pos && pos.type === ytext ? pos.index : null;
  } catch (err) {
    return null;
  }
}

export const peerTheme = EditorView.baseTheme({
  ".cm-peer-caret": {
    position: "relative",
    borderLeft: "2px solid",
    marginLeft: "-1px",
    marginRight: "-1px",
    boxSizing: "border-box",
  },
  ".cm-peer-name": {
    position: "absolute",
    bottom: "100%",
    left: "-2px",
    color: "#fff",
    fontFamily: "system-ui, sans-serif",
    fontSize: "0.72rem",
    lineHeight: "1.2",
    padding: "0 .3em",
    borderRadius: "3px 3px 3px 0",
    whiteSpace: "nowrap",
    userSelect: "none",
    pointerEvents: "none",
    zIndex: "5",
  },
});
