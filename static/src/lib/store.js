// The board as this client knows it: a snapshot plus the events applied since.
// Pure state, no DOM, so the rules of the log (seq, duplicates, gaps) live in one place.

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
        return this.upsertIdea(d, env.type);
      case "idea.deleted":
        this.ideas.delete(d.id);
        return { kind: "removed", id: d.id };
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
      case "hands.changed":
        this.hands = { queue: d.queue || [], speaking: d.speaking || null };
        return { kind: "hands" };
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
    if (data.group) this.groups.set(data.group.id, data.group);
    delete idea.group;
    this.ideas.set(idea.id, idea);
    return { kind: "idea", id: idea.id, created: !before && type === "idea.created" };
  }

  applyTallies(d) {
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

  get isFacilitator() {
    return this.me.role === "facilitator";
  }
}
