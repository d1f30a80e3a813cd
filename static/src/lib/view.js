// The columns of cards: full redraw on a snapshot, one card at a time on events,
// drag and drop between columns (the per-card "Déplacer vers…" select is the keyboard way).
import { h, option } from "./dom.js";
import { renderCard, renderPending } from "./cards.js";

export class ColumnsView {
  constructor(root, ctx) {
    this.root = root; // #columns
    this.ctx = ctx;
    this.dragged = null;
    root.addEventListener("dragstart", (e) => this.dragStart(e));
    root.addEventListener("dragend", () => this.dragEnd());
    root.addEventListener("dragover", (e) => this.dragOver(e));
    root.addEventListener("drop", (e) => this.drop(e));
  }

  list(columnId) {
    return this.root.querySelector(`ul.cards[data-column-id="${columnId}"]`);
  }

  cardEl(id) {
    return this.root.querySelector(`li[data-idea-id="${id}"]`);
  }

  /** Rebuild everything (after a snapshot): columns, cards, unsent ideas. */
  renderAll() {
    const { state } = this.ctx;
    this.root.replaceChildren(
      ...state.columns.map((c) =>
        h("section", { class: "column", dataset: { columnId: String(c.id) }, "aria-labelledby": `col-${c.id}` },
          h("h2", { id: `col-${c.id}` }, c.title),
          h("ul", { class: "cards", dataset: { columnId: String(c.id) } },
            state.ideasIn(c.id).map((i) => renderCard(i, this.ctx)))),
      ),
    );
    this.renderPending();
  }

  /** Redraw one idea in place and put it where its column and position say. */
  renderIdea(id) {
    const idea = this.ctx.state.ideas.get(id);
    const old = this.cardEl(id);
    if (!idea) {
      if (old) old.remove();
      return;
    }
    const list = this.list(idea.column_id);
    if (!list) return;
    const fresh = renderCard(idea, this.ctx);
    const restore = focusOf(old);
    if (old) old.remove();
    const siblings = this.ctx.state.ideasIn(idea.column_id);
    const next = siblings[siblings.findIndex((i) => i.id === id) + 1];
    const before = (next && this.cardEl(next.id)) || list.querySelector('[data-testid="pending-idea"]');
    list.insertBefore(fresh, before && before.parentNode === list ? before : null);
    restore(fresh);
  }

  renderPending() {
    this.root.querySelectorAll('[data-testid="pending-idea"]').forEach((el) => el.remove());
    const fallback = this.ctx.state.columns[0];
    for (const item of this.ctx.outbox.items) {
      const list = this.list(item.column_id) || (fallback && this.list(fallback.id));
      if (list) list.append(renderPending(item, this.ctx));
    }
  }

  dragStart(e) {
    const card = e.target.closest && e.target.closest("li[data-idea-id][draggable]");
    if (!card) return;
    this.dragged = Number(card.dataset.ideaId);
    card.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", String(this.dragged));
  }

  dragEnd() {
    this.root.querySelectorAll(".dragging, .drop-target").forEach((el) => el.classList.remove("dragging", "drop-target"));
    this.dragged = null;
  }

  dragOver(e) {
    const column = this.dragged !== null && e.target.closest && e.target.closest("section.column");
    if (!column) return;
    e.preventDefault();
    this.root.querySelectorAll(".drop-target").forEach((el) => el !== column && el.classList.remove("drop-target"));
    column.classList.add("drop-target");
  }

  drop(e) {
    const column = this.dragged !== null && e.target.closest && e.target.closest("section.column");
    if (!column) return;
    e.preventDefault();
    const columnId = Number(column.dataset.columnId);
    const position = this.dropPosition(columnId, e.clientY);
    const idea = this.ctx.state.ideas.get(this.dragged);
    this.dragEnd();
    if (idea) this.ctx.act.move(idea, columnId, position);
  }

  /** A position between the neighbours of the drop point (positions are floats on the server). */
  dropPosition(columnId, y) {
    const others = this.ctx.state.ideasIn(columnId).filter((i) => i.id !== this.dragged);
    const index = others.findIndex((i) => {
      const el = this.cardEl(i.id);
      if (!el) return false;
      const box = el.getBoundingClientRect();
      return y < box.top + box.height / 2;
    });
    if (index === -1) return others.length ? others[others.length - 1].position + 1 : 1;
    const after = others[index].position;
    const before = index > 0 ? others[index - 1].position : after - 1;
    return (before + after) / 2;
  }
}

/** Keep focus (and the caret) on the same control when a card is redrawn under the user. */
function focusOf(old) {
  const active = document.activeElement;
  if (!old || !active || !old.contains(active) || !active.dataset.key) return () => {};
  const key = active.dataset.key;
  const range = typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
  return (fresh) => {
    const el = fresh.querySelector(`[data-key="${key}"]`);
    if (!el) return;
    el.focus();
    if (range && el.setSelectionRange) el.setSelectionRange(...range);
  };
}

/** The list of groups with how many ideas each holds. */
export function renderGroups(panel, state) {
  const counts = new Map();
  for (const idea of state.ideas.values()) if (idea.group_id) counts.set(idea.group_id, (counts.get(idea.group_id) || 0) + 1);
  const groups = [...state.groups.values()].filter((g) => counts.has(g.id));
  panel.hidden = groups.length === 0;
  const list = panel.querySelector("ul");
  list.replaceChildren(...groups.map((g) => h("li", { dataset: { groupId: String(g.id) } },
    h("strong", {}, g.label), ` — ${counts.get(g.id)} idée${counts.get(g.id) > 1 ? "s" : ""}`)));
}

/** The column choice of the idea form, kept in step with the board's columns. */
export function renderColumnChoice(select, columns) {
  const current = select.value;
  select.replaceChildren(...columns.map((c) => option(c.id, c.title, String(c.id) === current)));
}
