// French labels shown on the board; the server sends only codes.
export const PHASES = {
  setup: "Préparation",
  brainstorm: "Remue-méninges",
  cluster: "Regroupement",
  vote: "Vote",
  discuss: "Discussion",
  closed: "Clos",
};

// Majority judgment mentions, index = grade sent to the server (6 best).
export const MENTIONS = ["À rejeter", "Insuffisant", "Passable", "Assez bien", "Bien", "Très bien", "Excellent"];

export const COLORS = {
  yellow: "Jaune", pink: "Rose", blue: "Bleu", green: "Vert", orange: "Orange", purple: "Violet",
};

export const STATES = {
  connecting: "Connexion…",
  connected: "Connecté",
  reconnecting: "Connexion perdue — reconnexion…",
  "catching-up": "Mise à jour du tableau…",
  offline: "Hors ligne — vos idées sont gardées et partiront au retour du réseau",
};

/** What this person may do now, in one sentence. */
export function phaseHelp(phase, role, settings) {
  const fac = role === "facilitator";
  switch (phase) {
    case "setup":
      return fac ? "Préparation : ajoutez des idées de départ, puis lancez le remue-méninges."
        : "L'atelier va commencer : l'animateur prépare le tableau.";
    case "brainstorm":
      return settings.private_brainstorm !== false && !fac
        ? "Proposez vos idées : elles restent visibles de vous seul·e et de l'animation jusqu'à la fin du remue-méninges."
        : "Proposez vos idées dans les colonnes.";
    case "cluster":
      return "Regroupez les idées proches : glissez une carte sur une autre (ou menu ⋯ « Regrouper avec… »).";
    case "vote":
      if (settings.vote_method === "majority_judgment") return "Donnez une mention à chaque idée (de « À rejeter » à « Excellent »).";
      return `Votez : ${settings.votes_per_participant ?? 5} gommettes en tout, au plus ${settings.max_votes_per_idea ?? 3} par idée.`;
    case "discuss":
      return fac ? "Discussion : promouvez les idées retenues dans une feuille de route."
        : "Discussion des idées retenues.";
    case "closed":
      return "L'atelier est clos : le tableau est en lecture seule.";
    default:
      return "";
  }
}
