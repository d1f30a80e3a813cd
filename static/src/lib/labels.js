// The connection states and the phase help of the board. Phases, grades and colours are defined once
// on the server (app/i18n.py) and come with the page's catalog: `labels` in ./i18n.js.
import { formatNumber, labels, t, tn } from "./i18n.js";

export const STATES = {
  connecting: t("Connexion…"),
  connected: t("Connecté"),
  reconnecting: t("Connexion perdue — reconnexion…"),
  "catching-up": t("Mise à jour du tableau…"),
  offline: t("Hors ligne — vos idées sont gardées et partiront au retour du réseau"),
};

/** What this person may do now, in one sentence. */
export function phaseHelp(phase, role, settings) {
  const fac = role === "facilitator";
  switch (phase) {
    case "setup":
      return fac ? t("Préparation : ajoutez des idées de départ, puis lancez le remue-méninges.")
        : t("L'atelier va commencer : l'animateur prépare le tableau.");
    case "brainstorm":
      return settings.private_brainstorm !== false && !fac
        ? t("Proposez vos idées : elles restent visibles de vous seul·e et de l'animation jusqu'à la fin du remue-méninges.")
        : t("Proposez vos idées dans les colonnes.");
    case "cluster":
      return t("Regroupez les idées proches : glissez une carte sur une autre (ou menu ⋯ « Regrouper avec… »).");
    case "vote":
      if (settings.vote_method === "majority_judgment") {
        return t("Donnez une mention à chaque idée (de « {worst} » à « {best} »).", { worst: labels.grades[0], best: labels.grades[6] });
      }
      return tn("Votez : {n} gommette en tout, au plus {max} par idée.", "Votez : {n} gommettes en tout, au plus {max} par idée.",
        settings.votes_per_participant ?? 5, { max: formatNumber(settings.max_votes_per_idea ?? 3) });
    case "discuss":
      return fac ? t("Discussion : promouvez les idées retenues dans une feuille de route.")
        : t("Discussion des idées retenues.");
    case "closed":
      return t("L'atelier est clos : le tableau est en lecture seule.");
    default:
      return "";
  }
}
