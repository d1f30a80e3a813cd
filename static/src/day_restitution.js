// The plenary's screen of restitution cards (issue 21, templates/main/day_restitution.html), first drawn by the
// server. For whoever leads the plenary (data-socket-code), the page is a client of the plenary's socket: each
// `restitution.card` redraws the cards at once, without reloading (lib/restitution.js, as the projector does).
// A facilitator of the day who does not lead the plenary cannot join its socket: the page then asks every 4 s
// whether a card arrived (or was re-sent) and redraws itself. No timed <meta refresh> (axe: meta-refresh).
import { apiHeaders } from "./lib/i18n.js";
import { Live } from "./lib/live.js";
import { renderStatus } from "./lib/panels.js";
import { renderRestitution } from "./lib/restitution.js";
import { BoardState } from "./lib/store.js";

const root = document.querySelector("[data-restitution-url]");

function stamp(cards) {
  return cards.map((c) => `${c.code}@${c.sent_at}`).join("|");
}

async function poll(known) {
  try {
    const r = await fetch(root.dataset.restitutionUrl, { headers: apiHeaders(), credentials: "same-origin" });
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

function draw(state) {
  if (!state.restitution) return;
  const n = renderRestitution(root, state.restitution, { level: 2 });
  for (const li of root.children) li.classList.add("card");
  root.dataset.stamp = stamp(state.restitution);
  const empty = document.getElementById("restitution-empty");
  if (empty) empty.hidden = n > 0;
}

if (root && root.dataset.socketCode) {
  const state = new BoardState();
  root.dataset.live = "socket";
  new Live({
    code: root.dataset.socketCode,
    state,
    idPrefix: "restitution-",
    auth: {},
    onSnapshot: () => draw(state),
    onChange: (change) => change.kind === "restitution" && draw(state),
    onSynced: () => {},
    onStatus: renderStatus,
    onPresence: () => {},
  }).start();
} else if (root) {
  root.dataset.live = "poll";
  poll(root.dataset.stamp || null);
}
