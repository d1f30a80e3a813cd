// One sticky note: its text, author, group, tallies and the tools this viewer may use now.
import { h, option } from "./dom.js";
import { formatNumber, labels, t, tn } from "./i18n.js";
import { actionMenu } from "./menu.js";

/** What the viewer may do with this idea in the current phase (mirrors the server's rules). */
export function rights(idea, state) {
  const phase = state.workshop.phase;
  const fac = state.isFacilitator;
  const open = phase !== "closed";
  const mine = Boolean(idea.mine);
  return {
    edit: open && (fac || (mine && (phase === "brainstorm" || phase === "cluster"))),
    move: open && (fac || (mine && phase === "brainstorm")),
    group: open && (fac || phase === "cluster"),
    vote: !fac && phase === "vote",
    promote: fac && phase === "discuss",
  };
}

function authorLabel(idea, state) {
  const name = idea.author ? idea.author.name : t("anonyme");
  return idea.mine && !state.isFacilitator ? t("{name} (vous)", { name }) : name;
}

function tallyLabel(idea, state) {
  if (idea.votes === null || idea.votes === undefined) return null;
  // Before the vote a "0 gommette" badge on every card is noise.
  if (!idea.votes && ["setup", "brainstorm", "cluster"].includes(state.workshop.phase)) return null;
  if (state.workshop.settings.vote_method === "majority_judgment") {
    if (!idea.votes) return t("Aucune mention");
    const grade = typeof idea.grade === "number" ? labels.grades[idea.grade] : "—";
    return tn("Mention majoritaire : {grade} ({n} avis)", "Mention majoritaire : {grade} ({n} avis)", idea.votes, { grade });
  }
  return tn("{n} gommette", "{n} gommettes", idea.votes);
}

/** The merit profile as a bar of seven segments (SVG: no inline style needed under the CSP). */
function profileBar(profile) {
  const total = profile.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 100 6");
  svg.setAttribute("class", "profile");
  svg.setAttribute("aria-hidden", "true");
  let x = 0;
  for (let g = 6; g >= 0; g -= 1) {
    const w = (profile[g] / total) * 100;
    if (!w) continue;
    const rect = document.createElementNS(ns, "rect");
    Object.entries({ x, y: 0, width: w, height: 6, class: `grade-${g}` }).forEach(([k, v]) => rect.setAttribute(k, v));
    svg.append(rect);
    x += w;
  }
  return svg;
}

export function renderCard(idea, ctx) {
  const { state } = ctx;
  const can = rights(idea, state);
  const ui = ctx.ui(idea.id);
  const tally = tallyLabel(idea, state);
  const draggable = can.move || can.group;
  const card = h(
    "li",
    {
      class: "card-idea" + (idea.mine ? " mine" : "") + (draggable ? " dnd-item" : "") + (idea.hidden ? " is-hidden" : "") + (idea.pending ? " is-pending" : ""),
      "data-testid": "idea-card",
      dataset: { ideaId: String(idea.id), color: idea.color || "yellow", kind: "idea" },
      "aria-label": t("Idée : {text}", { text: idea.text }),
    },
    ui.editing ? editor(idea, ui, ctx) : h("p", { class: "idea-text" }, idea.text),
    h(
      "p",
      { class: "meta" },
      h("span", { class: "author" }, authorLabel(idea, state)),
      idea.pending ? h("span", { class: "badge badge-pending", "data-testid": "idea-pending" }, t("En attente de validation")) : null,
      idea.hidden ? h("span", { class: "badge badge-hidden", "data-testid": "idea-hidden" }, t("Masquée aux participants")) : null,
      onScreen(idea, state) ? h("span", { class: "badge badge-focus", "data-testid": "on-screen" }, t("À l'écran")) : null,
      tally ? h("span", { class: "badge tally", "data-votes": String(idea.votes) }, tally) : null,
    ),
    idea.profile && idea.votes ? profileBar(idea.profile) : null,
    actionLink(idea),
  );
  if (!ui.editing) {
    const menu = actionMenu(menuItems(idea, can, ui, ctx), t("Actions pour l'idée : {text}", { text: short(idea.text) }));
    if (menu) card.querySelector(".meta").append(menu);
  }
  const tools = h("div", { class: "tools" });
  if (can.vote) tools.append(...voteTools(idea, ctx).filter(Boolean));
  if (ui.confirmDelete) tools.append(h("button", { type: "button", class: "danger", "data-key": "delete-confirm", onclick: () => ctx.act.remove(idea) }, t("Confirmer la suppression")));
  if (can.promote && ctx.roadmaps().length) tools.append(...promoteTools(idea, ui, ctx).filter(Boolean));
  if (tools.childNodes.length) card.append(tools);
  card.append(h("p", { class: "card-error", role: "alert", "data-testid": "card-error", hidden: ui.error ? null : true }, ui.error || ""));
  return card;
}

/** A promoted idea says which roadmap action it feeds (docs/protocol.md §9), as a discreet link. */
function actionLink(idea) {
  const action = idea.action;
  if (!action || !action.url || !action.title) return null;
  return h("p", { class: "card-action" },
    h("a", { href: action.url, target: "_blank", rel: "noopener", "data-testid": "idea-action", "data-action-id": String(action.id) },
      h("span", { "aria-hidden": "true" }, "→ "), t("Action : {title}", { title: action.title }),
      h("span", { class: "visually-hidden" }, " ", t("(nouvel onglet)"))));
}

const onScreen = (idea, state) => Boolean(state.workshop.focus && state.workshop.focus.idea_id === idea.id);

const short = (text) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);

/** The card's menu: only what this viewer may do now. */
function menuItems(idea, can, ui, ctx) {
  const { act, state } = ctx;
  const fac = state.isFacilitator;
  return [
    can.edit ? { key: "edit", label: t("Modifier"), run: () => act.openEditor(idea), keepFocus: true } : null,
    can.move && state.columns.length > 1 ? { key: "move", label: t("Déplacer vers…"), run: () => act.chooseColumn(idea), keepFocus: true } : null,
    can.group ? { key: "group", label: t("Regrouper avec…"), run: () => act.chooseGroup(idea), keepFocus: true } : null,
    can.group && idea.group_id ? { key: "ungroup", label: t("Sortir du groupe"), run: () => act.ungroup(idea) } : null,
    fac && !idea.pending && !idea.hidden ? { key: "focus", label: onScreen(idea, state) ? t("Ne plus projeter") : t("Projeter cette idée"), run: () => act.focus(onScreen(idea, state) ? {} : { idea_id: idea.id }) } : null,
    fac && idea.pending ? { key: "approve", label: t("Valider l'idée"), run: () => act.approve(idea) } : null,
    fac && !idea.pending ? { key: "hide", label: idea.hidden ? t("Afficher aux participants") : t("Masquer aux participants"), run: () => act.hide(idea, !idea.hidden) } : null,
    can.edit ? { key: "delete", label: t("Supprimer"), danger: true, run: () => act.askRemove(idea), keepFocus: true } : null,
  ];
}

function editor(idea, ui, ctx) {
  if (ui.draft === undefined) ui.draft = idea.text;
  if (ui.color === undefined) ui.color = idea.color;
  const id = `edit-${idea.id}`;
  const area = h("textarea", { id, "data-key": "edit-text", maxlength: 500, rows: 3, value: ui.draft });
  area.addEventListener("input", () => (ui.draft = area.value));
  area.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      ctx.act.edit(idea, ui.draft, ui.color);
    } else if (e.key === "Escape") ctx.act.closeEditor(idea);
  });
  const colors = h("select", { id: `${id}-color`, "data-key": "edit-color" },
    Object.entries(labels.colors).map(([k, label]) => option(k, label, k === ui.color)));
  colors.addEventListener("change", () => (ui.color = colors.value));
  return h(
    "form",
    { class: "card-editor", onsubmit: (e) => { e.preventDefault(); ctx.act.edit(idea, ui.draft, ui.color); } },
    h("label", { for: id }, t("Texte de l'idée")),
    area,
    h("p", { class: "hint" }, t("Entrée enregistre, Maj+Entrée va à la ligne, Échap annule.")),
    h("label", { for: `${id}-color` }, t("Couleur")),
    colors,
    h("div", { class: "tools" },
      h("button", { type: "submit", "data-key": "edit-save" }, t("Enregistrer")),
      h("button", { type: "button", class: "secondary", onclick: () => ctx.act.closeEditor(idea) }, t("Annuler"))),
  );
}

function voteTools(idea, ctx) {
  const me = ctx.state.me;
  const settings = ctx.state.workshop.settings;
  const given = me.my_votes[idea.id] ?? me.my_votes[String(idea.id)];
  if (settings.vote_method === "majority_judgment") return [gradeButtons(idea, given, ctx)];
  const mineCount = given || 0;
  const cap = settings.max_votes_per_idea ?? 3;
  // The cap of this idea is said on its card; a spent budget once, in the status bar (budget-note).
  const capped = mineCount >= cap ? tn("Au plus {n} gommette par idée.", "Au plus {n} gommettes par idée.", cap) : null;
  const spent = me.votes_left === 0 ? t("Plus de gommettes : retirez-en une (−1) pour voter ailleurs.") : null;
  const reason = capped || spent;
  const reasonId = capped ? `vote-reason-${idea.id}` : "budget-note";
  return [
    h("button", { type: "button", "data-testid": "vote-button", "data-key": "vote", "aria-disabled": reason ? "true" : null,
      "aria-describedby": reason ? reasonId : null, onclick: () => (reason ? ctx.act.refuse(idea, reason) : ctx.act.vote(idea)) }, t("+1 gommette")),
    h("button", { type: "button", class: "secondary", "data-testid": "vote-retract", "data-key": "unvote", disabled: mineCount ? null : true,
      "aria-label": t("−1 : retirer une de mes gommettes"), onclick: () => ctx.act.unvote(idea) }, "−1"),
    h("span", { class: "my-votes", "data-my-votes": String(mineCount) }, t("Mes gommettes : {count}", { count: formatNumber(mineCount) })),
    capped ? h("span", { class: "vote-reason", id: reasonId, "data-testid": "vote-reason" }, capped) : null,
  ];
}

/** Majority judgment: the seven mentions as a row of labelled buttons (the chosen one pressed). */
function gradeButtons(idea, given, ctx) {
  const id = `grade-${idea.id}`;
  return h("div", { class: "grade-row", role: "group", "aria-labelledby": id, "data-testid": "grade-buttons" },
    h("span", { id, class: "grade-label" }, t("Ma mention")),
    [6, 5, 4, 3, 2, 1, 0].map((g) => h("button", {
      type: "button", class: `grade grade-btn-${g}`, "data-grade": String(g), "data-key": `grade-${g}`, "aria-pressed": given === g ? "true" : "false",
      onclick: () => ctx.act.grade(idea, given === g ? null : g),
    }, labels.grades[g])));
}

function promoteTools(idea, ui, ctx) {
  if (!ui.promoting) {
    return [h("button", { type: "button", class: "secondary", "data-key": "promote", "data-testid": "promote-button",
      onclick: () => ctx.act.openPromote(idea) }, t("Promouvoir dans une feuille de route"))];
  }
  const p = ui.promote || (ui.promote = { roadmap: String(ctx.roadmaps()[0].id), axis: "", title: idea.text.slice(0, 200) });
  return [promoteForm({ id: `promote-roadmap-${idea.id}`, p, ctx, onSubmit: () => ctx.act.promote(idea, p), onCancel: () => ctx.act.closePromote(idea) })];
}

/**
 * The promote form (a card's, or a group's in a dialog): roadmap (the facilitator's own), axis, title.
 * `p` keeps what was chosen across redraws; the axes of a roadmap are fetched once, when it is chosen.
 * Without `onCancel` (in a dialog, which has its own), no cancel button.
 */
export function promoteForm({ id, p, ctx, onSubmit, onCancel, submitLabel = t("Promouvoir") }) {
  const roadmaps = ctx.roadmaps();
  const rsel = h("select", { id, "data-key": "promote-roadmap", "data-testid": "promote-roadmap" },
    roadmaps.map((r) => option(r.id, r.title, String(r.id) === p.roadmap)));
  const asel = h("select", { id: `${id}-axis`, "data-key": "promote-axis", "data-testid": "promote-axis" });
  const submit = h("button", { type: "submit", "data-testid": "promote-submit" }, submitLabel);
  const fillAxes = () => {
    const roadmap = roadmaps.find((r) => String(r.id) === p.roadmap) || roadmaps[0];
    const axes = (roadmap && roadmap.axes) || [];
    if (!axes.some((a) => String(a.id) === p.axis)) p.axis = axes.length ? String(axes[0].id) : "";
    asel.replaceChildren(...axes.map((a) => option(a.id, a.title, String(a.id) === p.axis)));
    submit.disabled = !p.axis;
  };
  rsel.addEventListener("change", async () => {
    p.roadmap = rsel.value;
    fillAxes();
    await ctx.act.loadAxes(rsel.value);
    if (rsel.isConnected && rsel.value === p.roadmap) fillAxes();
  });
  asel.addEventListener("change", () => (p.axis = asel.value));
  const title = h("input", { id: `${id}-title`, "data-key": "promote-title", maxlength: 200, value: p.title });
  title.addEventListener("input", () => (p.title = title.value));
  fillAxes();
  if (!p.axis) ctx.act.loadAxes(p.roadmap).then(() => rsel.isConnected && fillAxes());
  return h("form", { class: "promote-form", onsubmit: (e) => { e.preventDefault(); if (p.axis) onSubmit(); } },
    h("label", { for: id }, t("Feuille de route")), rsel,
    h("label", { for: `${id}-axis` }, t("Axe")), asel,
    h("label", { for: `${id}-title` }, t("Intitulé de l'action")), title,
    h("div", { class: "tools" }, submit,
      onCancel ? h("button", { type: "button", class: "secondary", onclick: onCancel }, t("Annuler")) : null));
}

/** A typed idea the server has not acknowledged yet. */
export function renderPending(item, ctx) {
  const refused = Boolean(item.error);
  return h(
    "li",
    { class: "card-idea pending" + (refused ? " unsent" : ""), "data-testid": "pending-idea", dataset: { clientId: item.client_id, color: item.color || "yellow" } },
    h("p", { class: "idea-text" }, item.text),
    h("p", { class: "meta pending-state", role: refused ? "alert" : null },
      refused ? t("Non envoyée : {error}", { error: item.error }) : item.sending ? t("Envoi…") : t("Pas encore envoyée — partira dès le retour de la connexion")),
    h("div", { class: "tools" },
      h("button", { type: "button", class: "secondary", onclick: () => ctx.act.retry(item.client_id) }, t("Réessayer")),
      h("button", { type: "button", class: "secondary", onclick: () => ctx.act.discard(item.client_id) }, t("Abandonner"))),
  );
}
