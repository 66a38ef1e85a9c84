// Approval state machines: which state may follow which, and who may take each step. Pure (imports only the role
// ordering). One shape for every "a person approves, a job applies" capability: index recommendations now,
// right-sizing and alert silences later define their own machine with defineMachine() and get the same guard, the
// same error type and the same event records.
import { roleAtLeast, type Role } from '../auth/roles';

export interface TransitionRule<S extends string> {
  from: S;
  to: S;
  /** Least role a person needs for this step (the system actor passes every role check). */
  minRole?: Role;
  /** Only a job (the system actor) takes this step: "applying" and its outcomes are facts, not decisions. */
  systemOnly?: boolean;
}

export interface MachineDefinition<S extends string> {
  name: string;
  initial: S;
  states: readonly S[];
  transitions: readonly TransitionRule<S>[];
}

/** Who asks for a transition: a person's role, or the system (a worker job, a seed). */
export interface TransitionActor {
  role: Role;
  system: boolean;
}

export type TransitionCheck = { ok: true; rule: TransitionRule<string> } | { ok: false; code: 'invalid_transition' | 'forbidden'; reason: string };

export class TransitionError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid_transition' | 'forbidden',
  ) {
    super(message);
    this.name = 'TransitionError';
  }
}

/** One recorded step (what an events table stores). */
export interface StateEvent<S extends string> {
  from: S | null;
  to: S;
  at: string;
  actor: { id: string | null; email: string | null } | null;
  note?: string | null;
}

export interface StateMachine<S extends string> {
  readonly definition: MachineDefinition<S>;
  isState(value: unknown): value is S;
  /** States with no way out. */
  isFinal(state: S): boolean;
  check(from: S, to: S, who: TransitionActor): TransitionCheck;
  can(from: S, to: S, who: TransitionActor): boolean;
  /** Throws TransitionError (invalid_transition or forbidden) unless the step is allowed. Returns the event to record. */
  transition(from: S, to: S, who: TransitionActor & { id?: string | null; email?: string | null }, opts?: { at?: Date; note?: string | null }): StateEvent<S>;
  /** Where `who` can go from `from`. */
  next(from: S, who: TransitionActor): S[];
}

const article = (role: Role) => (role === 'admin' || role === 'approver' || role === 'operator' ? 'an' : 'a');

export function defineMachine<const S extends string>(def: MachineDefinition<S>): StateMachine<S> {
  const states = new Set<string>(def.states);
  if (!states.has(def.initial)) throw new Error(`${def.name}: initial state ${def.initial} is not a state`);
  const seen = new Set<string>();
  for (const t of def.transitions) {
    if (!states.has(t.from) || !states.has(t.to)) throw new Error(`${def.name}: transition ${t.from} → ${t.to} names an unknown state`);
    if (t.from === t.to) throw new Error(`${def.name}: ${t.from} → ${t.to} is not a transition`);
    const k = `${t.from}>${t.to}`;
    if (seen.has(k)) throw new Error(`${def.name}: transition ${t.from} → ${t.to} is defined twice`);
    seen.add(k);
  }
  const find = (from: S, to: S) => def.transitions.find((t) => t.from === from && t.to === to);

  const check = (from: S, to: S, who: TransitionActor): TransitionCheck => {
    const rule = find(from, to);
    if (!rule) {
      const allowed = def.transitions.filter((t) => t.from === from).map((t) => t.to);
      return {
        ok: false,
        code: 'invalid_transition',
        reason: allowed.length
          ? `cannot go from ${from.replace(/_/g, ' ')} to ${to.replace(/_/g, ' ')} (possible: ${allowed.map((s) => s.replace(/_/g, ' ')).join(', ')})`
          : `${from.replace(/_/g, ' ')} is final: nothing can follow it`,
      };
    }
    if (who.system) return { ok: true, rule };
    if (rule.systemOnly) return { ok: false, code: 'forbidden', reason: `only a Perfdeck job moves a recommendation to ${to.replace(/_/g, ' ')}` };
    if (rule.minRole && !roleAtLeast(who.role, rule.minRole)) {
      return { ok: false, code: 'forbidden', reason: `this needs the ${rule.minRole} role; you are ${article(who.role)} ${who.role}` };
    }
    return { ok: true, rule };
  };

  return {
    definition: def,
    isState: (value: unknown): value is S => typeof value === 'string' && states.has(value),
    isFinal: (state) => !def.transitions.some((t) => t.from === state),
    check,
    can: (from, to, who) => check(from, to, who).ok,
    transition(from, to, who, opts = {}) {
      const r = check(from, to, who);
      if (!r.ok) throw new TransitionError(r.reason, r.code);
      return {
        from,
        to,
        at: (opts.at ?? new Date()).toISOString(),
        actor: who.system && !who.id ? null : { id: who.id ?? null, email: who.email ?? null },
        note: opts.note ?? null,
      };
    },
    next: (from, who) => def.transitions.filter((t) => t.from === from && check(from, t.to, who).ok).map((t) => t.to),
  };
}

/** Replays recorded events from the initial state; returns the final state or the first event that breaks the rules. */
export function replayEvents<S extends string>(
  machine: StateMachine<S>,
  events: readonly Pick<StateEvent<S>, 'from' | 'to'>[],
): { ok: true; state: S } | { ok: false; index: number; reason: string } {
  let state = machine.definition.initial;
  for (const [i, e] of events.entries()) {
    if (e.from === null && i === 0 && e.to === state) continue; // the creation event
    if (e.from !== state) return { ok: false, index: i, reason: `event ${i} starts at ${String(e.from)}, but the state was ${state}` };
    if (!machine.definition.transitions.some((t) => t.from === e.from && t.to === e.to)) {
      return { ok: false, index: i, reason: `event ${i}: ${e.from} → ${e.to} is not a transition` };
    }
    state = e.to;
  }
  return { ok: true, state };
}

// ─── the standard approve-and-apply lifecycle ───

export const APPROVAL_STATES = [
  'proposed',
  'approved',
  'applying',
  'applied',
  'failed',
  'did_not_help',
  'rejected',
  'rolled_back',
  'superseded',
] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/**
 * proposed → approved → applying → applied | failed | did_not_help; rejected from proposed/approved/failed; a failed
 * apply may be approved again (retry); an applied change may be rolled back; a newer analysis supersedes what nobody
 * decided on. Deciding needs the approver role; applying and its outcomes are recorded by the job only.
 */
export const APPROVAL_MACHINE = defineMachine<ApprovalState>({
  name: 'approval',
  initial: 'proposed',
  states: APPROVAL_STATES,
  transitions: [
    { from: 'proposed', to: 'approved', minRole: 'approver' },
    { from: 'proposed', to: 'rejected', minRole: 'approver' },
    { from: 'proposed', to: 'superseded', systemOnly: true },
    { from: 'approved', to: 'applying', systemOnly: true },
    { from: 'approved', to: 'rejected', minRole: 'approver' },
    // The job could not start (queue unavailable, worker died before it began).
    { from: 'approved', to: 'failed', systemOnly: true },
    { from: 'applying', to: 'applied', systemOnly: true },
    { from: 'applying', to: 'failed', systemOnly: true },
    { from: 'applying', to: 'did_not_help', systemOnly: true },
    { from: 'failed', to: 'approved', minRole: 'approver' },
    { from: 'failed', to: 'rejected', minRole: 'approver' },
    { from: 'applied', to: 'rolled_back', minRole: 'approver' },
  ],
});

export const actorForTransition = (actor: { id: string; email: string; role: Role; via: 'session' | 'token' | 'system' }) => ({
  id: actor.via === 'system' ? null : actor.id,
  email: actor.email,
  role: actor.role,
  system: actor.via === 'system',
});
