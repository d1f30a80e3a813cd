// The columns of cards, drawn from the state alone: lone cards and group stacks in each column,
// the column chips (filter and drop target), the filters. Every client draws groups from the same
// events, so a group made anywhere shows everywhere at once. Dragging lives in ./dnd.js.
import { h, option } from "./dom.js";
import { renderCard, renderPending } from "./cards.js";
import { formatNumber, t, tn } from "./i18n.js";
import { BoardDnd } from "./dnd.js";
import { actionMenu } from "./menu.js";

export class ColumnsView {
  constructor(root, ctx) {
    this.root = root; // #columns
    this.ctx = ctx;
    this.chips = document.getElementById("column-chips");
    this.filter = { mine: false, unvoted: false, column: null };
    this.dirty = false;
    this.dnd = new BoardDnd(this, ctx);
  }

  list(columnId) {
    return this.root.querySelector(`ul.cards[data-column-id="${columnId}"]`);
  }

  cardEl(id) {
    return this.root.querySelector(`li[data-idea-id="${id}"]`);
  }

  stackEl(groupId) {
    return this.root.querySelector(`li.stack[data-group-id="${groupId}"]`);
  }

  /** Rebuild everything from the state (snapshot, structural change, end of a drag). */
  renderAll() {
    if (this.dnd.dragging) {
      this.dirty = true;
      return;
    }
    this.dirty = false;
    const { state } = this.ctx;
    const restore = keepFocus(this.root);
    const left = this.root.scrollLeft; // columns scrolled sideways stay where they were
    this.root.replaceChildren(...state.columns.map((c) => this.column(c)));
    this.root.scrollLeft = left;
    this.renderPending();
    this.renderChips();
    this.applyFilter();
    this.dnd.attach();
    restore();
  }

  column(c) {
    const { state } = this.ctx;
    const items = state.itemsIn(c.id);
    const count = items.reduce((n, it) => n + (it.kind === "idea" ? 1 : it.ideas.length), 0);
    return h("section", { class: "column", dataset: { columnId: String(c.id) }, "aria-labelledby": `col-${c.id}` },
      h("h2", { id: `col-${c.id}` }, c.title, " ", h("span", { class: "count" }, `(${formatNumber(count)})`)),
      h("ul", { class: "cards", dataset: { columnId: String(c.id) }, "aria-label": t("Cartes de la colonne {column}", { column: c.title }) },
        items.map((it) => (it.kind === "idea" ? renderCard(it.idea, this.ctx) : this.stack(it, c.id)))));
  }

  /** A group: one stack with its label, its count, a menu, and its cards (unless collapsed). */
  stack(item, columnId) {
    const { state, act } = this.ctx;
    const g = item.group;
    const ui = this.ctx.ui(`g${g.id}`);
    const collapsed = Boolean(ui.collapsed);
    const n = item.ideas.length;
    const fac = state.isFacilitator;
    const canGroup = state.workshop.phase !== "closed" && (fac || state.workshop.phase === "cluster");
    const listId = `stack-cards-${g.id}`;
    const label = ui.renaming
      ? renameForm(g, ui, act)
      : h("h3", { class: "stack-label", id: `stack-label-${g.id}` }, g.label);
    const menu = actionMenu([
      canGroup ? { key: "rename", label: t("Renommer le groupe"), run: () => act.renameGroup(g), keepFocus: true } : null,
      canGroup && state.columns.length > 1 ? { key: "move", label: t("Déplacer le groupe vers…"), run: () => act.chooseGroupColumn(g), keepFocus: true } : null,
      canGroup && state.groups.size > 1 ? { key: "merge", label: t("Fusionner avec…"), run: () => act.chooseMerge(g), keepFocus: true } : null,
      canGroup ? { key: "ungroup-all", label: t("Défaire le groupe"), run: () => act.dissolve(g) } : null,
      fac ? { key: "focus", label: state.workshop.focus?.group_id === g.id ? t("Ne plus projeter") : t("Projeter ce groupe"),
        run: () => act.focus(state.workshop.focus?.group_id === g.id ? {} : { group_id: g.id }) } : null,
      fac && state.workshop.phase === "discuss" && this.ctx.roadmaps().length
        ? { key: "promote", label: t("Promouvoir le groupe"), run: () => act.choosePromoteGroup(g), keepFocus: true } : null,
    ], t("Actions pour le groupe {label}", { label: g.label }), `stack-menu-${g.id}`, "stack-menu");
    return h("li", {
      class: "stack" + (canGroup ? " dnd-item" : "") + (collapsed ? " collapsed" : ""),
      dataset: { groupId: String(g.id), kind: "group", position: String(item.position) },
      "data-testid": "board-stack", "data-count": String(n), "aria-labelledby": `stack-label-${g.id}`,
    },
    h("div", { class: "stack-head" },
      h("button", { type: "button", class: "stack-toggle", "data-key": `stack-toggle-${g.id}`, "aria-expanded": collapsed ? "false" : "true",
        "aria-controls": listId, "aria-label": collapsed ? t("Déplier le groupe {label}", { label: g.label }) : t("Replier le groupe {label}", { label: g.label }),
        onclick: () => { ui.collapsed = !collapsed; this.renderAll(); } }, h("span", { "aria-hidden": "true" }, collapsed ? "▸" : "▾")),
      label,
      h("span", { class: "stack-count", "data-testid": "stack-count" }, tn("{n} idée", "{n} idées", n)),
      state.workshop.focus?.group_id === g.id ? h("span", { class: "badge badge-focus", "data-testid": "on-screen" }, t("À l'écran")) : null,
      menu),
    h("ul", { class: "stack-cards", id: listId, hidden: collapsed ? true : null, dataset: { groupId: String(g.id), columnId: String(columnId) },
      "aria-label": t("Idées du groupe {label}", { label: g.label }) }, collapsed ? [] : item.ideas.map((i) => renderCard(i, this.ctx))));
  }

  /** Redraw one idea in place when only its content changed; anything structural redraws all. */
  renderIdea(id, structural = false) {
    const idea = this.ctx.state.ideas.get(id);
    const old = this.cardEl(id);
    if (structural || !idea || !old || this.dnd.dragging) return this.renderAll();
    const restore = keepFocus(old);
    const fresh = renderCard(idea, this.ctx);
    old.replaceWith(fresh);
    this.applyFilter();
    restore();
  }

  renderPending() {
    this.root.querySelectorAll('[data-testid="pending-idea"]').forEach((el) => el.remove());
    const fallback = this.ctx.state.columns[0];
    for (const item of this.ctx.outbox.items) {
      const list = this.list(item.column_id) || (fallback && this.list(fallback.id));
      if (list) list.append(renderPending(item, this.ctx));
    }
  }

  /** One chip per column: shows only that column when pressed, and takes a dropped card or stack. */
  renderChips() {
    if (!this.chips) return;
    const { state } = this.ctx;
    const chip = (id, title) => {
      const pressed = String(this.filter.column) === String(id);
      return h("div", { class: "chip" + (id === null ? " chip-all" : ""), dataset: id === null ? {} : { columnId: String(id) } },
        h("button", { type: "button", "aria-pressed": pressed ? "true" : "false", "data-testid": id === null ? "filter-all" : "column-chip", title,
          onclick: () => { this.filter.column = id; this.renderChips(); this.applyFilter(); } }, title));
    };
    this.chips.replaceChildren(chip(null, t("Toutes")), ...state.columns.map((c) => chip(c.id, c.title)));
    this.dnd.attach();
  }

  setFilter(name, value) {
    this.filter[name] = value;
    this.applyFilter();
  }

  /** Filters hide, never remove: a hidden card still takes events and comes back as it is. */
  applyFilter() {
    const { state } = this.ctx;
    const f = this.filter;
    const voting = state.workshop.phase === "vote" && !state.isFacilitator;
    for (const section of this.root.querySelectorAll("section.column")) {
      section.hidden = f.column !== null && section.dataset.columnId !== String(f.column);
    }
    for (const card of this.root.querySelectorAll('li[data-testid="idea-card"]')) {
      const idea = state.ideas.get(Number(card.dataset.ideaId));
      if (!idea) continue;
      const given = state.me.my_votes[idea.id] ?? state.me.my_votes[String(idea.id)];
      card.hidden = (f.mine && !idea.mine) || (f.unvoted && voting && given !== undefined && given !== 0);
    }
    for (const stack of this.root.querySelectorAll("li.stack")) {
      const cards = stack.querySelectorAll('li[data-testid="idea-card"]');
      stack.hidden = (f.mine || f.unvoted) && cards.length > 0 && [...cards].every((c) => c.hidden);
    }
    const shown = this.root.querySelectorAll('li[data-testid="idea-card"]:not([hidden])').length;
    const status = document.getElementById("filter-status");
    if (status) status.textContent = f.mine || f.unvoted || f.column !== null ? tn("{n} idée affichée", "{n} idées affichées", shown) : "";
  }
}

function renameForm(g, ui, act) {
  const id = `rename-${g.id}`;
  const input = h("input", { id, "data-key": `rename-${g.id}`, maxlength: 120, value: ui.label ?? g.label });
  input.addEventListener("input", () => (ui.label = input.value));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") act.cancelRename(g);
  });
  return h("form", { class: "inline-form rename-form", onsubmit: (e) => { e.preventDefault(); act.saveRename(g, input.value); } },
    h("label", { for: id, class: "visually-hidden" }, t("Nom du groupe")), input,
    h("button", { type: "submit" }, t("Renommer")),
    h("button", { type: "button", class: "secondary", onclick: () => act.cancelRename(g) }, t("Annuler")));
}

/**
 * Keep focus (and the caret) on the same control when cards are redrawn under the user — and an open
 * menu open, on the same item: in a busy room the board is redrawn while someone is choosing.
 */
function keepFocus(scope) {
  const active = document.activeElement;
  if (!scope || !active || !scope.contains(active)) return () => {};
  const menu = active.getAttribute("role") === "menuitem" ? active.closest(".card-menu") : null;
  const key = menu ? menu.querySelector(".menu-button").dataset.key : active.dataset.key;
  if (!key) return () => {};
  const owner = active.closest("li[data-idea-id], li.stack[data-group-id]");
  const ownerSel = owner ? (owner.dataset.ideaId ? `li[data-idea-id="${owner.dataset.ideaId}"]` : `li.stack[data-group-id="${owner.dataset.groupId}"]`) : null;
  const action = menu ? active.dataset.action : null;
  const range = typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
  return () => {
    const root = document.getElementById("columns");
    const within = ownerSel ? root.querySelector(ownerSel) : root;
    const el = within && within.querySelector(`[data-key="${key}"]`);
    if (!el) return;
    if (action) {
      el.click(); // reopens the menu on its first item
      el.parentNode.querySelector(`[data-action="${action}"]`)?.focus();
      return;
    }
    el.focus();
    if (range && el.setSelectionRange) el.setSelectionRange(...range);
  };
}

/** The column choice of the idea form, kept in step with the board's columns. */
export function renderColumnChoice(select, columns) {
  const current = select.value;
  select.replaceChildren(...columns.map((c) => option(c.id, c.title, String(c.id) === current)));
}
