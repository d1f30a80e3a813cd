// The board as this client knows it: a snapshot plus the events applied since.
// Pure state, no DOM, so the rules of the log (seq, duplicates, gaps) live in one place.
import { t } from "./i18n.js";

export class BoardState {
  constructor() {
    this.seq = 0;
    this.loaded = false;
    this.workshop = { settings: {}, phase: "setup", timer: null };
    this.columns = [];
    this.groups = new Map();
    this.ideas = new Map();
    this.hands = { queue: [], speaking: null };
    this.me = { id: null, role: "participant", votes_left: null, my_votes: {} };
  }

  loadSnapshot(snap) {
    this.workshop = snap.workshop;
    this.columns = [...snap.columns].sort((a, b) => a.position - b.position);
    this.groups = new Map(snap.groups.map((g) => [g.id, g]));
    this.ideas = new Map(snap.ideas.map((i) => [i.id, i]));
    this.hands = snap.hands || { queue: [], speaking: null };
    this.me = { ...snap.me, my_votes: snap.me.my_votes || {} };
    this.seq = snap.seq;
    this.participation = snap.participation || null;
    this.restitution = snap.restitution || null; // a day's plenary: the ateliers' cards, in arrival order
    this.loaded = true;
  }

  /**
   * Where an envelope stands against what we applied:
   * "old" (already applied: drop it), "next" (apply it) or "gap" (sync first).
   */
  classify(env) {
    if (env.seq <= this.seq) return "old";
    return env.seq === this.seq + 1 ? "next" : "gap";
  }

  /** Apply the next envelope; returns what changed so the view redraws only that. */
  apply(env) {
    this.seq = env.seq;
    const d = env.data || {};
    switch (env.type) {
      case "idea.created":
      case "idea.updated":
      case "idea.moved":
      case "idea.grouped":
      case "idea.promoted":
      case "idea.hidden":
      case "idea.shown":
      case "idea.approved":
        return this.upsertIdea(d, env.type);
      case "idea.deleted":
        this.ideas.delete(d.id);
        return { kind: "removed", id: d.id };
      case "group.updated":
      case "group.merged":
      case "group.moved":
      case "group.deleted":
        return this.applyBoard(d, env.type);
      case "present.focused":
        this.workshop.focus = d.focus || null;
        return { kind: "focus" };
      case "vote.participation":
      case "participation.changed":
        this.participation = { ...(this.participation || {}), ...d };
        return { kind: "participation" };
      case "participant.updated":
      case "participant.removed":
        return { kind: "participants", data: d, type: env.type };
      case "vote.tally":
        return { kind: "tally", ids: this.applyTallies(d) };
      case "phase.changed":
        this.workshop.phase = d.phase;
        return { kind: "phase", resync: Boolean(d.resync) };
      case "timer.started":
        this.workshop.timer = { ends_at: d.ends_at, seconds: d.seconds };
        return { kind: "timer" };
      case "timer.stopped":
        this.workshop.timer = null;
        return { kind: "timer" };
      case "hands.changed": {
        const before = this.hands.speaking;
        this.hands = { queue: d.queue || [], speaking: d.speaking || null };
        return { kind: "hands", before };
      }
      case "restitution.card": {
        // An atelier's card arrives in the plenary (or is re-sent: it keeps its place).
        const cards = (this.restitution || []).filter((c) => c.code !== d.code);
        cards.push(d);
        cards.sort((a, b) => (a.position || 0) - (b.position || 0));
        this.restitution = cards;
        return { kind: "restitution", code: d.code };
      }
      case "workshop.updated":
        // Settings may change what this viewer is allowed to see: take a fresh snapshot.
        return { kind: "workshop", resync: true };
      default:
        return { kind: "none" }; // "hidden" placeholders and types this client does not know
    }
  }

  upsertIdea(data, type) {
    if (!data || typeof data.id !== "number") return { kind: "none" };
    const before = this.ideas.get(data.id);
    const idea = { ...(before || {}), ...data };
    idea.mine = Boolean(data.mine ?? before?.mine);
    // An idea event carries the whole idea, where `hidden` and `pending` appear only when true.
    idea.hidden = Boolean(data.hidden);
    idea.pending = Boolean(data.pending);
    if (data.group) this.groups.set(data.group.id, { ...this.groups.get(data.group.id), ...data.group });
    delete idea.group;
    if (idea.group_id && !this.groups.has(idea.group_id)) this.groups.set(idea.group_id, { id: idea.group_id, label: t("Groupe") });
    this.ideas.set(idea.id, idea);
    // Where the idea was and is: a change of column or group redraws the columns, not one card.
    const moved = !before || before.column_id !== idea.column_id || before.group_id !== idea.group_id || before.position !== idea.position;
    return { kind: "idea", id: idea.id, moved, created: !before && type === "idea.created" };
  }

  /**
   * A change of groups (docs/protocol.md §7.1): `group` / `into` ({id, label}) are added or renamed,
   * `ideas` carry the new place of ideas this client already has, `group_id` of group.merged and
   * group.deleted is gone.
   */
  applyBoard(d, type) {
    for (const g of [d.group, d.into]) if (g && typeof g.id === "number") this.groups.set(g.id, { ...this.groups.get(g.id), ...g });
    for (const part of Array.isArray(d.ideas) ? d.ideas : []) {
      const idea = part && this.ideas.get(part.id);
      if (idea) this.ideas.set(idea.id, { ...idea, ...part });
    }
    if ((type === "group.merged" || type === "group.deleted") && typeof d.group_id === "number") {
      for (const idea of this.ideas.values()) if (idea.group_id === d.group_id) idea.group_id = null;
      this.groups.delete(d.group_id);
    }
    return { kind: "board", type };
  }

  ideasOfGroup(groupId) {
    return [...this.ideas.values()].filter((i) => i.group_id === groupId).sort(byPlace(this));
  }

  /**
   * The column a group's stack stands in: where most of its ideas are; on a tie, the leftmost.
   * Every client computes the same answer from the same state.
   */
  groupColumn(groupId) {
    const count = new Map();
    for (const i of this.ideas.values()) if (i.group_id === groupId) count.set(i.column_id, (count.get(i.column_id) || 0) + 1);
    let best = null;
    for (const c of this.columns) if (count.has(c.id) && (best === null || count.get(c.id) > count.get(best))) best = c.id;
    return best;
  }

  /** What a column shows, in order: lone ideas and group stacks, each at its first position. */
  itemsIn(columnId) {
    const items = [];
    const seen = new Set();
    for (const idea of this.ideasIn(columnId)) {
      if (!idea.group_id) items.push({ kind: "idea", idea, position: idea.position });
    }
    for (const idea of this.ideas.values()) {
      const g = idea.group_id;
      if (!g || seen.has(g)) continue;
      seen.add(g);
      if (this.groupColumn(g) !== columnId) continue;
      const ideas = this.ideasOfGroup(g);
      const here = ideas.filter((i) => i.column_id === columnId);
      items.push({ kind: "group", group: this.groups.get(g) || { id: g, label: t("Groupe") }, ideas, position: Math.min(...here.map((i) => i.position)) });
    }
    return items.sort((a, b) => a.position - b.position || itemId(a) - itemId(b));
  }

  applyTallies(d) {
    if (d.participation && typeof d.participation === "object") this.participation = d.participation;
    const rows = Array.isArray(d.tallies) ? d.tallies : [d];
    const ids = [];
    for (const row of rows) {
      const idea = this.ideas.get(row.idea_id);
      if (!idea) continue;
      idea.votes = row.votes;
      if ("profile" in row) idea.profile = row.profile;
      if ("grade" in row) idea.grade = row.grade;
      ids.push(idea.id);
    }
    return ids;
  }

  setBallot(ack) {
    if (ack && "votes_left" in ack) this.me.votes_left = ack.votes_left;
    if (ack && ack.my_votes) this.me.my_votes = ack.my_votes;
  }

  ideasIn(columnId) {
    return [...this.ideas.values()]
      .filter((i) => i.column_id === columnId)
      .sort((a, b) => a.position - b.position || a.id - b.id);
  }

  column(columnId) {
    return this.columns.find((c) => c.id === columnId);
  }

  get isFacilitator() {
    return this.me.role === "facilitator";
  }
}

const itemId = (item) => (item.kind === "idea" ? item.idea.id : item.ideas[0].id);

/** Ideas of a stack: by column (left to right), then by position. */
function byPlace(state) {
  const col = (id) => state.columns.findIndex((c) => c.id === id);
  return (a, b) => col(a.column_id) - col(b.column_id) || a.position - b.position || a.id - b.id;
}
