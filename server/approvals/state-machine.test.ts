import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../auth/roles';
import {
  actorForTransition,
  APPROVAL_MACHINE,
  APPROVAL_STATES,
  defineMachine,
  replayEvents,
  TransitionError,
  type ApprovalState,
} from './state-machine';

const person = (role: Role) => ({ role, system: false });
const system = { role: 'admin' as const, system: true };

describe('APPROVAL_MACHINE', () => {
  it('walks the happy path with the right actors', () => {
    const m = APPROVAL_MACHINE;
    expect(m.can('proposed', 'approved', person('approver'))).toBe(true);
    expect(m.can('approved', 'applying', system)).toBe(true);
    expect(m.can('applying', 'applied', system)).toBe(true);
    expect(m.can('applied', 'rolled_back', person('approver'))).toBe(true);
  });

  it('refuses operators and viewers every decision, with a reason that names the role', () => {
    for (const role of ['viewer', 'operator'] as const) {
      const r = APPROVAL_MACHINE.check('proposed', 'approved', person(role));
      expect(r).toMatchObject({ ok: false, code: 'forbidden' });
      expect(!r.ok && r.reason).toContain(`needs the approver role; you are ${role === 'operator' ? 'an' : 'a'} ${role}`);
      expect(APPROVAL_MACHINE.can('proposed', 'rejected', person(role))).toBe(false);
      expect(APPROVAL_MACHINE.next('proposed', person(role))).toEqual([]);
    }
    expect(APPROVAL_MACHINE.next('proposed', person('admin')).sort()).toEqual(['approved', 'rejected']);
  });

  it('keeps outcomes for the job: even an admin cannot mark an index applied', () => {
    for (const to of ['applying', 'failed'] as const) {
      expect(APPROVAL_MACHINE.check('approved', to, person('admin'))).toMatchObject({ ok: false, code: 'forbidden' });
    }
    for (const to of ['applied', 'failed', 'did_not_help'] as const) {
      expect(APPROVAL_MACHINE.check('applying', to, person('admin'))).toMatchObject({ ok: false, code: 'forbidden' });
      expect(APPROVAL_MACHINE.can('applying', to, system)).toBe(true);
    }
    expect(APPROVAL_MACHINE.check('proposed', 'superseded', person('admin'))).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('rejects steps that are not transitions, listing what is possible', () => {
    const r = APPROVAL_MACHINE.check('proposed', 'applied', system);
    expect(r).toMatchObject({ ok: false, code: 'invalid_transition' });
    expect(!r.ok && r.reason).toContain('possible: approved, rejected, superseded');
    expect(APPROVAL_MACHINE.check('rejected', 'approved', system)).toMatchObject({ ok: false, reason: 'rejected is final: nothing can follow it' });
  });

  it('has exactly these final states', () => {
    expect(APPROVAL_STATES.filter((s) => APPROVAL_MACHINE.isFinal(s)).sort()).toEqual(['did_not_help', 'rejected', 'rolled_back', 'superseded']);
  });

  it('allows a retry after a failure but never re-applies an applied one', () => {
    expect(APPROVAL_MACHINE.can('failed', 'approved', person('approver'))).toBe(true);
    expect(APPROVAL_MACHINE.can('applied', 'approved', person('admin'))).toBe(false);
    expect(APPROVAL_MACHINE.can('applied', 'applying', system)).toBe(false);
  });

  it('transition() returns the event to record and throws TransitionError otherwise', () => {
    const at = new Date('2026-12-04T20:00:00Z');
    expect(APPROVAL_MACHINE.transition('proposed', 'approved', { ...person('approver'), id: 'u1', email: 'a@x' }, { at, note: 'ok' })).toEqual({
      from: 'proposed',
      to: 'approved',
      at: '2026-12-04T20:00:00.000Z',
      actor: { id: 'u1', email: 'a@x' },
      note: 'ok',
    });
    expect(APPROVAL_MACHINE.transition('approved', 'applying', system, { at }).actor).toBeNull();
    try {
      APPROVAL_MACHINE.transition('proposed', 'approved', person('operator'));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TransitionError);
      expect((err as TransitionError).code).toBe('forbidden');
    }
    expect(() => APPROVAL_MACHINE.transition('rejected', 'approved', system)).toThrow(TransitionError);
  });

  it('every role is either allowed or refused each human step, monotonically in the role order', () => {
    for (const t of APPROVAL_MACHINE.definition.transitions) {
      const allowed = ROLES.map((r) => APPROVAL_MACHINE.can(t.from, t.to, person(r)));
      // once allowed for a role, allowed for every higher role
      const first = allowed.indexOf(true);
      if (first >= 0) expect(allowed.slice(first).every(Boolean)).toBe(true);
    }
  });

  it('isState guards input', () => {
    expect(APPROVAL_MACHINE.isState('applied')).toBe(true);
    expect(APPROVAL_MACHINE.isState('done')).toBe(false);
    expect(APPROVAL_MACHINE.isState(3)).toBe(false);
  });
});

describe('replayEvents', () => {
  it('replays a stored history to its state', () => {
    const events: { from: ApprovalState | null; to: ApprovalState }[] = [
      { from: null, to: 'proposed' },
      { from: 'proposed', to: 'approved' },
      { from: 'approved', to: 'applying' },
      { from: 'applying', to: 'failed' },
      { from: 'failed', to: 'approved' },
      { from: 'approved', to: 'applying' },
      { from: 'applying', to: 'applied' },
    ];
    expect(replayEvents(APPROVAL_MACHINE, events)).toEqual({ ok: true, state: 'applied' });
  });

  it('points at the first broken event', () => {
    expect(
      replayEvents(APPROVAL_MACHINE, [
        { from: 'proposed', to: 'approved' },
        { from: 'approved', to: 'applied' },
      ]),
    ).toMatchObject({ ok: false, index: 1 });
    expect(replayEvents(APPROVAL_MACHINE, [{ from: 'approved', to: 'applying' }])).toMatchObject({ ok: false, index: 0 });
  });
});

describe('defineMachine', () => {
  it('rejects malformed definitions', () => {
    expect(() => defineMachine({ name: 'x', initial: 'a', states: ['a', 'b'], transitions: [{ from: 'a', to: 'c' as 'b' }] })).toThrow(/unknown state/);
    expect(() => defineMachine({ name: 'x', initial: 'z' as 'a', states: ['a'], transitions: [] })).toThrow(/initial/);
    expect(() =>
      defineMachine({
        name: 'x',
        initial: 'a',
        states: ['a', 'b'],
        transitions: [
          { from: 'a', to: 'b' },
          { from: 'a', to: 'b' },
        ],
      }),
    ).toThrow(/twice/);
    expect(() => defineMachine({ name: 'x', initial: 'a', states: ['a'], transitions: [{ from: 'a', to: 'a' }] })).toThrow(/not a transition/);
  });

  it('serves another capability (an alert silence) with its own states', () => {
    const silence = defineMachine({
      name: 'silence',
      initial: 'requested',
      states: ['requested', 'active', 'expired', 'denied'],
      transitions: [
        { from: 'requested', to: 'active', minRole: 'approver' },
        { from: 'requested', to: 'denied', minRole: 'approver' },
        { from: 'active', to: 'expired', systemOnly: true },
      ],
    });
    expect(silence.can('requested', 'active', person('approver'))).toBe(true);
    expect(silence.can('active', 'expired', person('admin'))).toBe(false);
    expect(silence.isFinal('expired')).toBe(true);
  });
});

describe('actorForTransition', () => {
  it('maps the system actor and people', () => {
    expect(actorForTransition({ id: 'system', email: 's@p', role: 'admin', via: 'system' })).toEqual({ id: null, email: 's@p', role: 'admin', system: true });
    expect(actorForTransition({ id: 'u', email: 'u@p', role: 'operator', via: 'token' })).toEqual({ id: 'u', email: 'u@p', role: 'operator', system: false });
  });
});
