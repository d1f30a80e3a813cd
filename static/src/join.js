// Join page: the code is checked as soon as it is typed, before the name, through the same
// limiter as the join itself (GET /api/v1/join/CODE: 200, 404, then 429 — docs/protocol.md §6).
import { apiHeaders, t } from "./lib/i18n.js";

const form = document.querySelector(".join-form");
const input = document.querySelector('[data-testid="join-code"]');
const status = document.getElementById("code-status");
const CODE_LENGTH = 8; // codes have at least 8 characters: a shorter one is still being typed
let timer = null;
let last = normalize(input ? input.value : ""); // the page itself has checked the code it came with

function normalize(value) {
  return value.toUpperCase().replace(/[^0-9A-Z]/g, "");
}

function show(state, message) {
  status.textContent = message;
  status.dataset.state = state;
  if (state === "unknown" || state === "limited") input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

async function check(code) {
  show("checking", t("Vérification du code…"));
  try {
    const response = await fetch(form.dataset.checkUrl.replace("CODE", encodeURIComponent(code)), { headers: apiHeaders() });
    if (normalize(input.value) !== code) return; // typed on meanwhile: that check will answer
    if (response.ok) {
      const data = await response.json();
      show("found", t("Atelier trouvé : {title}", { title: data.title }));
    } else if (response.status === 404) {
      show("unknown", t("Aucun atelier ne correspond à ce code : vérifiez-le sur l'écran ou auprès de l'animation."));
    } else {
      const data = await response.json().catch(() => ({}));
      show("limited", (data.error && data.error.message) || t("Trop de codes erronés : réessayez dans une minute."));
    }
  } catch {
    show("", ""); // offline: the join itself will tell
  }
}

function checkOnce(code) {
  clearTimeout(timer);
  if (code === last) return;
  last = code;
  check(code);
}

if (form && input && status) {
  input.addEventListener("input", () => {
    const code = normalize(input.value);
    clearTimeout(timer);
    if (code.length < CODE_LENGTH) {
      if (code !== last) show("", "");
      return;
    }
    timer = setTimeout(() => checkOnce(code), 350);
  });
  // Leaving a short code for the name field: say now that it is wrong.
  input.addEventListener("change", () => {
    const code = normalize(input.value);
    if (code) checkOnce(code);
  });
}
