// One sticky note: its text, author, group, tallies and the tools this viewer may use now.
import { h, option } from "./dom.js";
import { COLORS, MENTIONS } from "./labels.js";

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
  const name = idea.author ? idea.author.name : "anonyme";
  return idea.mine && !state.isFacilitator ? `${name} (vous)` : name;
}

function tallyLabel(idea, state) {
  if (idea.votes === null || idea.votes === undefined) return null;
  if (state.workshop.settings.vote_method === "majority_judgment") {
    if (!idea.votes) return "Aucune mention";
    const grade = typeof idea.grade === "number" ? MENTIONS[idea.grade] : "—";
    return `Mention majoritaire : ${grade} (${idea.votes} avis)`;
  }
  return `${idea.votes} gommette${idea.votes > 1 ? "s" : ""}`;
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
  const group = idea.group_id ? state.groups.get(idea.group_id) : null;
  const tally = tallyLabel(idea, state);
  const card = h(
    "li",
    {
      class: "card-idea" + (idea.mine ? " mine" : ""),
      "data-testid": "idea-card",
      dataset: { ideaId: String(idea.id), color: idea.color || "yellow" },
      draggable: can.move ? "true" : null,
      "aria-label": `Idée : ${idea.text}`,
    },
    ui.editing ? editor(idea, ui, ctx) : h("p", { class: "idea-text" }, idea.text),
    h(
      "p",
      { class: "meta" },
      h("span", { class: "author" }, authorLabel(idea, state)),
      group ? h("span", { class: "badge group-badge" }, `Groupe : ${group.label}`) : null,
      tally ? h("span", { class: "badge tally", "data-votes": String(idea.votes) }, tally) : null,
    ),
    idea.profile && idea.votes ? profileBar(idea.profile) : null,
  );
  const tools = h("div", { class: "tools" });
  if (can.vote) tools.append(...voteTools(idea, ctx));
  if (can.group) tools.append(...groupTools(idea, ui, ctx));
  if (can.move && state.columns.length > 1) tools.append(moveSelect(idea, ctx));
  if (can.edit && !ui.editing) tools.append(...editTools(idea, ui, ctx));
  if (can.promote && ctx.roadmaps().length) tools.append(...promoteTools(idea, ui, ctx));
  if (tools.childNodes.length) card.append(tools);
  return card;
}

function editor(idea, ui, ctx) {
  if (ui.draft === undefined) ui.draft = idea.text;
  if (ui.color === undefined) ui.color = idea.color;
  const id = `edit-${idea.id}`;
  const area = h("textarea", { id, "data-key": "edit-text", maxlength: 500, rows: 3, value: ui.draft });
  area.addEventListener("input", () => (ui.draft = area.value));
  const colors = h("select", { id: `${id}-color`, "data-key": "edit-color" },
    Object.entries(COLORS).map(([k, label]) => option(k, label, k === ui.color)));
  colors.addEventListener("change", () => (ui.color = colors.value));
  return h(
    "form",
    { class: "card-editor", onsubmit: (e) => { e.preventDefault(); ctx.act.edit(idea, ui.draft, ui.color); } },
    h("label", { for: id }, "Texte de l'idée"),
    area,
    h("label", { for: `${id}-color` }, "Couleur"),
    colors,
    h("div", { class: "tools" },
      h("button", { type: "submit", "data-key": "edit-save" }, "Enregistrer"),
      h("button", { type: "button", class: "secondary", onclick: () => ctx.act.closeEditor(idea) }, "Annuler")),
  );
}

function editTools(idea, ui, ctx) {
  const edit = h("button", { type: "button", class: "secondary", "data-key": "edit", onclick: () => ctx.act.openEditor(idea) }, "Modifier");
  const del = ui.confirmDelete
    ? h("button", { type: "button", class: "danger", "data-key": "delete-confirm", onclick: () => ctx.act.remove(idea) }, "Confirmer la suppression")
    : h("button", { type: "button", class: "secondary", "data-key": "delete", onclick: () => ctx.act.askRemove(idea) }, "Supprimer");
  return [edit, del];
}

function moveSelect(idea, ctx) {
  const id = `move-${idea.id}`;
  const select = h("select", { id, "data-key": "move", class: "move-select" },
    option("", "Déplacer vers…", true),
    ctx.state.columns.filter((c) => c.id !== idea.column_id).map((c) => option(c.id, c.title)));
  select.addEventListener("change", () => select.value && ctx.act.move(idea, Number(select.value)));
  return h("span", { class: "tool" }, h("label", { for: id, class: "visually-hidden" }, "Déplacer vers une autre colonne"), select);
}

function groupTools(idea, ui, ctx) {
  const id = `group-${idea.id}`;
  if (ui.grouping) {
    const input = h("input", { id, "data-key": "group-label", maxlength: 120, value: ui.groupLabel || "", placeholder: "Nom du groupe" });
    input.addEventListener("input", () => (ui.groupLabel = input.value));
    return [h("form", { class: "inline-form", onsubmit: (e) => { e.preventDefault(); ctx.act.newGroup(idea, input.value); } },
      h("label", { for: id, class: "visually-hidden" }, "Nom du nouveau groupe"), input,
      h("button", { type: "submit" }, "Créer le groupe"),
      h("button", { type: "button", class: "secondary", onclick: () => ctx.act.cancelGroup(idea) }, "Annuler"))];
  }
  const select = h("select", { id, "data-key": "group", class: "group-select" },
    option("", "Sans groupe", !idea.group_id),
    [...ctx.state.groups.values()].map((g) => option(g.id, g.label, g.id === idea.group_id)),
    option("__new", "Nouveau groupe…"));
  select.addEventListener("change", () => ctx.act.group(idea, select.value));
  return [h("span", { class: "tool" }, h("label", { for: id, class: "visually-hidden" }, "Groupe de l'idée"), select)];
}

function voteTools(idea, ctx) {
  const me = ctx.state.me;
  const given = me.my_votes[idea.id] ?? me.my_votes[String(idea.id)];
  if (ctx.state.workshop.settings.vote_method === "majority_judgment") {
    const id = `grade-${idea.id}`;
    const select = h("select", { id, "data-key": "grade", class: "grade-select", "data-testid": "grade-select" },
      option("", "— Ma mention —", given === undefined),
      [6, 5, 4, 3, 2, 1, 0].map((g) => option(g, MENTIONS[g], given === g)));
    select.addEventListener("change", () => ctx.act.grade(idea, select.value === "" ? null : Number(select.value)));
    return [h("span", { class: "tool" }, h("label", { for: id }, "Ma mention"), select)];
  }
  const mineCount = given || 0;
  return [
    h("button", { type: "button", "data-testid": "vote-button", "data-key": "vote", onclick: () => ctx.act.vote(idea) }, "+1 gommette"),
    h("button", { type: "button", class: "secondary", "data-testid": "vote-retract", "data-key": "unvote", disabled: mineCount ? null : true,
      "aria-label": "Retirer une de mes gommettes", onclick: () => ctx.act.unvote(idea) }, "−1"),
    h("span", { class: "my-votes", "data-my-votes": String(mineCount) }, `Mes gommettes : ${mineCount}`),
  ];
}

function promoteTools(idea, ui, ctx) {
  if (!ui.promoting) {
    return [h("button", { type: "button", class: "secondary", "data-key": "promote", "data-testid": "promote-button",
      onclick: () => ctx.act.openPromote(idea) }, "Promouvoir dans une feuille de route")];
  }
  const roadmaps = ctx.roadmaps();
  const p = ui.promote || (ui.promote = { roadmap: String(roadmaps[0].id), axis: "", title: idea.text.slice(0, 200) });
  const roadmap = roadmaps.find((r) => String(r.id) === p.roadmap) || roadmaps[0];
  const axes = roadmap.axes || [];
  if (!axes.some((a) => String(a.id) === p.axis)) p.axis = axes.length ? String(axes[0].id) : "";
  const rid = `promote-roadmap-${idea.id}`;
  const rsel = h("select", { id: rid, "data-key": "promote-roadmap" }, roadmaps.map((r) => option(r.id, r.title, String(r.id) === p.roadmap)));
  rsel.addEventListener("change", () => { p.roadmap = rsel.value; ctx.act.roadmapChosen(idea, rsel.value); });
  const asel = h("select", { id: `${rid}-axis`, "data-key": "promote-axis" }, axes.map((a) => option(a.id, a.title, String(a.id) === p.axis)));
  asel.addEventListener("change", () => (p.axis = asel.value));
  const title = h("input", { id: `${rid}-title`, "data-key": "promote-title", maxlength: 200, value: p.title });
  title.addEventListener("input", () => (p.title = title.value));
  return [h("form", { class: "promote-form", onsubmit: (e) => { e.preventDefault(); ctx.act.promote(idea, p); } },
    h("label", { for: rid }, "Feuille de route"), rsel,
    h("label", { for: `${rid}-axis` }, "Axe"), asel,
    h("label", { for: `${rid}-title` }, "Intitulé de l'action"), title,
    h("div", { class: "tools" },
      h("button", { type: "submit", disabled: p.axis ? null : true }, "Promouvoir"),
      h("button", { type: "button", class: "secondary", onclick: () => ctx.act.closePromote(idea) }, "Annuler")))];
}

/** A typed idea the server has not acknowledged yet. */
export function renderPending(item, ctx) {
  const refused = Boolean(item.error);
  return h(
    "li",
    { class: "card-idea pending" + (refused ? " unsent" : ""), "data-testid": "pending-idea", dataset: { clientId: item.client_id, color: item.color || "yellow" } },
    h("p", { class: "idea-text" }, item.text),
    h("p", { class: "meta pending-state", role: refused ? "alert" : null },
      refused ? `Non envoyée : ${item.error}` : item.sending ? "Envoi…" : "Pas encore envoyée — partira dès le retour de la connexion"),
    h("div", { class: "tools" },
      h("button", { type: "button", class: "secondary", onclick: () => ctx.act.retry(item.client_id) }, "Réessayer"),
      h("button", { type: "button", class: "secondary", onclick: () => ctx.act.discard(item.client_id) }, "Abandonner")),
  );
}
