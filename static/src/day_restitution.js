// The plenary's screen of restitution cards (issue 21, templates/main/day_restitution.html): the page is drawn by
// the server; this asks every few seconds whether a card arrived (or was re-sent) and then redraws the page.
// No timed <meta refresh> (axe: meta-refresh), and nothing reloads while nothing changed.
const root = document.querySelector("[data-restitution-url]");

function stamp(cards) {
  return cards.map((c) => `${c.code}@${c.sent_at}`).join("|");
}

async function poll(known) {
  try {
    const r = await fetch(root.dataset.restitutionUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (r.ok) {
      const now = stamp((await r.json()).ateliers || []);
      if (known !== null && now !== known) {
        window.location.reload();
        return;
      }
      known = now;
    }
  } catch (_error) {
    // offline for a moment: the next round tries again
  }
  window.setTimeout(() => poll(known), 4000);
}

if (root) {
  poll(root.dataset.stamp || null);
}
