// Facilitators' controls of who writes the minutes: the `minutes_editors` setting (everyone, or the
// facilitators and the scribes they name) and the lock (`minutes_locked`), both workshop settings
// (PATCH /api/v1/workshops/CODE). What `minutes.sync` says afterwards keeps every facilitator's page in step.
import { apiHeaders, t } from "./i18n.js";

export class Rights {
  constructor(root, { api, showError, hideError }) {
    Object.assign(this, { api, showError, hideError });
    this.select = root.querySelector("[data-minutes-editors]");
    this.lock = root.querySelector("[data-minutes-lock]");
    this.select?.addEventListener("change", () => this.patch({ minutes_editors: this.select.value }));
    this.lock?.addEventListener("click", () => this.patch({ minutes_locked: this.lock.getAttribute("aria-pressed") !== "true" }));
  }

  /** The rule as the server last said it ({editors, locked} from `minutes.sync`). */
  show({ editors, locked }) {
    if (this.select && editors && document.activeElement !== this.select) this.select.value = editors;
    if (this.lock && typeof locked === "boolean") {
      this.lock.setAttribute("aria-pressed", String(locked));
      this.lock.title = locked ? t("Le compte rendu est verrouillé : seuls les animateurs écrivent.") : t("Personne d'autre que l'animation ne pourra écrire.");
    }
  }

  async patch(settings) {
    const token = document.querySelector('input[name="csrf_token"]')?.value;
    const headers = apiHeaders({ "Content-Type": "application/json", ...(token ? { "X-CSRFToken": token } : {}) });
    try {
      const res = await fetch(this.api, { method: "PATCH", credentials: "same-origin", headers, body: JSON.stringify({ settings }) });
      const data = await res.json().catch(() => null);
      if (!res.ok) throw new Error((data && data.error && data.error.message) || t("Erreur {status}.", { status: res.status }));
      this.hideError();
      this.show({ editors: settings.minutes_editors, locked: settings.minutes_locked });
    } catch (err) {
      this.showError(err.message === "Failed to fetch" ? t("Hors ligne : réglage non enregistré, réessayez.") : err.message);
    }
  }
}
