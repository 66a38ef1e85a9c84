import { describe, expect, it } from 'vitest';
import { ROLES, isRole, roleAtLeast } from './roles';

describe('roles', () => {
  it('orders viewer < operator < approver < admin', () => {
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(roleAtLeast('operator', 'operator')).toBe(true);
    expect(roleAtLeast('approver', 'operator')).toBe(true);
    expect(roleAtLeast('operator', 'approver')).toBe(false);
    expect(roleAtLeast('admin', 'approver')).toBe(true);
    expect(roleAtLeast('approver', 'admin')).toBe(false);
  });
  it('every role is at least itself and viewer', () => {
    for (const r of ROLES) {
      expect(roleAtLeast(r, r)).toBe(true);
      expect(roleAtLeast(r, 'viewer')).toBe(true);
    }
  });
  it('recognises only known roles', () => {
    expect(isRole('admin')).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
