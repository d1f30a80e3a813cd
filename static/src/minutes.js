// Shared minutes: a small loader. The editor (CodeMirror 6 bound to the Y.Text "minutes", Yjs,
// the history panel) is a separate chunk fetched with import(): on the minutes page at once,
// on the board only when its minutes panel is opened, so the board never pays for CodeMirror
// unless someone writes. esbuild builds it with --splitting (package.json).
import { t } from "./lib/i18n.js";

function load(root) {
  if (root.dataset.loading) return;
  root.dataset.loading = "true";
  const status = root.querySelector('[data-testid="minutes-sync"]');
  import("./lib/minutes_app.js")
    .then(({ startMinutes }) => startMinutes(root))
    .catch(() => {
      delete root.dataset.loading;
      if (status) {
        status.dataset.state = "offline";
        status.textContent = t("Éditeur non chargé (réseau ?) : rouvrez le panneau pour réessayer.");
      }
    });
}

// Edits made offline in an earlier visit wait in localStorage (lib/minutes_app.js): send them now.
function hasPending(code) {
  try {
    for (let i = 0; i < localStorage.length; i++) if (localStorage.key(i)?.startsWith(`fabrique.minutes.${code}.`)) return true;
  } catch (err) {
    /* storage disabled: nothing can be waiting there */
  }
  return false;
}

const root = document.querySelector("[data-minutes]");
const panel = root && root.closest("details[data-minutes-panel]");
if (root && !panel) load(root);
else if (panel) {
  if (!panel.open && hasPending(root.dataset.code)) panel.open = true;
  if (panel.open) load(root);
  panel.addEventListener("toggle", () => panel.open && load(root));
  // A link to #minutes (e.g. from the board's menu) opens the panel.
  const openFromHash = () => {
    if (location.hash === "#minutes" && !panel.open) panel.open = true;
  };
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
}
