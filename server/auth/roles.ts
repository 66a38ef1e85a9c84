// Roles are ordered: each one can do everything the ones before it can. Pure: no imports.
export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'Reads everything except secrets and the audit log',
  operator: 'Also launches load tests, runs checks and analyses',
  approver: 'Also approves and applies recommendations',
  admin: 'Also manages users, targets, secrets and reads the audit log',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  via: 'session' | 'token' | 'system';
}

export const SYSTEM_ACTOR: Actor = { id: 'system', email: 'system@perfdeck', name: 'Perfdeck', role: 'admin', via: 'system' };
