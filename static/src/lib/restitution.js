// The ateliers' restitution cards in a day's plenary (issue 21, docs/protocol.md §12.3): one card per atelier
// with its name, facilitators, top results (rank label, votes or mention), decisions and actions. Drawn from
// BoardState.restitution (the plenary's snapshot, then each `restitution.card` event), by the projector
// (present.js) and by the participant's board (board.js, compact). Text only through textContent.
import { h } from "./dom.js";
import { labels, t, tn } from "./i18n.js";

function figure(r) {
  // A card is stored once for every reader: its grade is shown by number, in the page's language.
  if (r.grade !== undefined && r.grade !== null) return labels.grades[r.grade] ?? r.grade_label;
  if (r.grade_label) return r.grade_label;
  return tn("{n} gommette", "{n} gommettes", r.votes ?? 0); // the board's word, never "voix"
}

export function restitutionCard(card, { compact = false, level = 2 } = {}) {
  const results = (card.results || []).slice(0, compact ? 3 : 5);
  return h(
    "li",
    { class: "restitution-card", "data-testid": "restitution-card", dataset: { code: card.code, position: card.position } },
    h(`h${level}`, { class: "restitution-title" }, card.title),
    card.facilitators && card.facilitators.length
      ? h("p", { class: "restitution-by" }, t("Animation : {names}", { names: card.facilitators.join(", ") }))
      : null,
    results.length
      ? h(
          "ol",
          { class: "restitution-results" },
          results.map((r) =>
            h(
              "li",
              {},
              h("span", { class: "rank" }, r.rank_label || String(r.rank)),
              " ",
              h("span", { class: "restitution-text" }, r.text),
              " ",
              h("span", { class: "figure" }, `(${figure(r)})`),
            ),
          ),
        )
      : h("p", { class: "restitution-none" }, t("Pas encore de résultat visible.")),
    (card.decisions || []).length
      ? [
          h(`h${Math.min(level + 1, 6)}`, { class: "restitution-sub" }, t("Décisions")),
          h("ul", { class: "restitution-list" }, card.decisions.map((d) => h("li", {}, d))),
        ]
      : null,
    (card.actions || []).length
      ? [
          h(`h${Math.min(level + 1, 6)}`, { class: "restitution-sub" }, t("Actions")),
          h(
            "ul",
            { class: "restitution-list" },
            card.actions.map((a) =>
              h("li", {}, a.text, a.owner ? ` — ${a.owner}` : "", a.due ? ` (${a.due})` : ""),
            ),
          ),
        ]
      : null,
  );
}

/** Redraw `list` (an <ol>) with the cards; returns how many. */
export function renderRestitution(list, cards, options = {}) {
  list.replaceChildren(...(cards || []).map((c) => restitutionCard(c, options)));
  return (cards || []).length;
}
