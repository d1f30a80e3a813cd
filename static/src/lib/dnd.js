// Drag and drop on the board, with SortableJS in its pointer ("fallback") mode: one code path for
// mouse, touch and pen (HTML5 drag events do not exist on touch screens). What a drop means is
// decided here from where the pointer is, then handed to ctx.act.drop(); the DOM that SortableJS
// moved is always redrawn from the state, which only the server's events change.
//   - a card held over the middle of another card, or over a stack: group them (merge target);
//   - a card dropped between cards of a column: move it there (out of its group if it had one);
//   - a card dropped into a stack's list: join that group;
//   - a stack held over another stack: merge; dropped between cards: move the stack as one;
//   - anything dropped on a column chip: to that column.
import Sortable from "sortablejs";

const MERGE_ZONE = 0.28; // top and bottom fraction of a card that still means "between", not "on"

export class BoardDnd {
  constructor(view, ctx) {
    this.view = view;
    this.ctx = ctx;
    this.sortables = new Set();
    this.dragging = null;
    this.merge = null;
    this.track = (e) => this.pointerMoved(e);
    this.scrolling = true;
    // A finger on a card while a text field has focus: Chrome keeps the field in view and would
    // scroll the page away from under the finger. Leave the field first.
    view.root.addEventListener("pointerdown", (e) => {
      const field = document.activeElement;
      if (e.pointerType === "touch" && e.target.closest(".dnd-item") && field && field.matches("input, textarea, select")) field.blur();
    }, true);
  }

  /** Make every list of the board sortable (new lists only); forget lists that were redrawn away. */
  attach() {
    for (const s of this.sortables) {
      if (!s.el.isConnected) {
        s.destroy();
        this.sortables.delete(s);
      }
    }
    const lists = [...this.view.root.querySelectorAll("ul.cards, ul.stack-cards")];
    if (this.view.chips) lists.push(...this.view.chips.querySelectorAll(".chip[data-column-id]"));
    for (const el of lists) if (!Sortable.get(el)) this.sortables.add(Sortable.create(el, this.options(el)));
  }

  options(el) {
    const chip = el.classList.contains("chip");
    const stackList = el.classList.contains("stack-cards");
    return {
      group: { name: "board", pull: chip ? false : true, put: (to, from, dragged) => !(stackList && dragged.dataset.kind === "group") },
      sort: !chip,
      draggable: ".dnd-item",
      filter: "button, input, textarea, select, a, label, .menu-list",
      preventOnFilter: false,
      forceFallback: true,
      fallbackOnBody: true,
      fallbackTolerance: 5,
      delay: 200, // on touch only: a long press picks a card up, a swipe scrolls the page
      delayOnTouchOnly: true,
      touchStartThreshold: 8,
      animation: 120,
      // Reorder only when the pointer is near a card's top or bottom edge; its middle means "group".
      invertSwap: true,
      invertedSwapThreshold: 2 * MERGE_ZONE,
      emptyInsertThreshold: 16,
      scroll: true,
      bubbleScroll: true,
      scrollSensitivity: 70,
      ghostClass: "dnd-placeholder",
      chosenClass: "dnd-chosen",
      fallbackClass: "dnd-ghost",
      onStart: (evt) => this.started(evt),
      onMove: (evt) => this.moving(evt),
      onEnd: (evt) => this.ended(evt),
    };
  }

  started(evt) {
    const item = evt.item;
    this.dragging = { kind: item.dataset.kind, id: Number(item.dataset.kind === "group" ? item.dataset.groupId : item.dataset.ideaId), el: item };
    document.body.classList.add("is-dragging");
    document.addEventListener("pointermove", this.track, true);
    document.addEventListener("touchmove", this.track, { capture: true, passive: true });
  }

  /** Which card or stack, if any, the pointer holds the dragged thing over (to group with it). */
  pointerMoved(e) {
    if (!this.dragging) return;
    const point = e.touches ? e.touches[0] : e;
    if (!point) return;
    const under = document.elementFromPoint(point.clientX, point.clientY);
    this.setMerge(under ? this.mergeTarget(under, point.clientY) : null);
    // Over the (sticky) column chips, no auto-scroll: the chips would slide from under the finger.
    const scroll = !(under && under.closest(".board-tools"));
    if (scroll !== this.scrolling) {
      this.scrolling = scroll;
      for (const s of this.sortables) s.option("scroll", scroll);
    }
  }

  mergeTarget(under, y) {
    const d = this.dragging;
    if (d.el.contains(under) || under.closest(".dnd-ghost")) return null;
    const stack = under.closest("li.stack");
    if (stack && Number(stack.dataset.groupId) !== (d.kind === "group" ? d.id : -1)) {
      const ownGroup = d.kind === "idea" && this.ctx.state.ideas.get(d.id)?.group_id === Number(stack.dataset.groupId);
      return ownGroup ? null : stack;
    }
    if (d.kind !== "idea") return null;
    const card = under.closest('li.card-idea[data-idea-id]');
    if (!card || card.closest("li.stack")) return null;
    const box = card.getBoundingClientRect();
    const inMiddle = y > box.top + box.height * MERGE_ZONE && y < box.bottom - box.height * MERGE_ZONE;
    return inMiddle ? card : null;
  }

  setMerge(target) {
    if (this.merge === target) return;
    if (this.merge) this.merge.classList.remove("merge-target");
    this.merge = target;
    if (target) target.classList.add("merge-target");
  }

  moving(evt) {
    // Over a card or stack to group with: keep everything where it is (no reordering under it).
    if (this.merge) return false;
    if (evt.to.classList.contains("stack-cards") && evt.dragged.dataset.kind === "group") return false;
    return true;
  }

  ended(evt) {
    document.removeEventListener("pointermove", this.track, true);
    document.removeEventListener("touchmove", this.track, { capture: true, passive: true });
    document.body.classList.remove("is-dragging");
    const dragging = this.dragging;
    const merge = this.merge;
    this.setMerge(null);
    const outcome = merge ? mergeOutcome(merge) : placeOutcome(evt, this.ctx.state);
    this.dragging = null;
    this.view.renderAll(); // SortableJS moved DOM nodes: draw the state again, events will follow
    if (outcome && dragging) this.ctx.act.drop(dragging, outcome);
  }
}

function mergeOutcome(target) {
  if (target.classList.contains("stack")) return { kind: "group", groupId: Number(target.dataset.groupId) };
  return { kind: "card", ideaId: Number(target.dataset.ideaId) };
}

/** Where the dragged thing landed when not on a card: a column chip, a stack's list, or a column. */
function placeOutcome(evt, state) {
  const to = evt.to;
  if (to.classList.contains("chip")) return { kind: "column", columnId: Number(to.dataset.columnId) };
  if (evt.from === to && evt.oldIndex === evt.newIndex) return null;
  if (to.classList.contains("stack-cards")) return { kind: "group", groupId: Number(to.dataset.groupId) };
  const columnId = Number(to.dataset.columnId);
  const siblings = [...to.children].filter((el) => el === evt.item || el.dataset.kind);
  const at = siblings.indexOf(evt.item);
  const pos = (el) => (el ? itemPosition(el, state) : null);
  return { kind: "place", columnId, position: between(pos(siblings[at - 1]), pos(siblings[at + 1])) };
}

function itemPosition(el, state) {
  if (el.dataset.kind === "group") return Number(el.dataset.position);
  const idea = state.ideas.get(Number(el.dataset.ideaId));
  return idea ? idea.position : null;
}

/** A position between two neighbours (positions are real numbers on the server). */
export function between(before, after) {
  if (before === null && after === null) return 1;
  if (before === null) return after - 1;
  if (after === null) return before + 1;
  return (before + after) / 2;
}

