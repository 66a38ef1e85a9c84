import { describe, expect, it } from 'vitest';
import { buildPolicySearchSql, parsePolicySearch } from './policy-query';

const parse = (s: string) => parsePolicySearch(new URLSearchParams(s));

describe('policy search', () => {
  it('defaults: soonest expiry first, 20 rows', () => {
    const parsed = parse('');
    if (!parsed.ok) throw new Error('expected valid');
    const sql = buildPolicySearchSql(parsed.value);
    expect(sql.sql).toMatch(/FROM policies ORDER BY expiration_date ASC, id ASC LIMIT \$1 OFFSET \$2$/);
    expect(sql.params).toEqual([20, 0]);
  });

  it('filters by status and an exclusive expiry date', () => {
    const parsed = parse('status=active&expiring_before=2027-01-01&limit=5');
    if (!parsed.ok) throw new Error('expected valid');
    const sql = buildPolicySearchSql(parsed.value);
    expect(sql.sql).toContain('WHERE status = $1 AND expiration_date < $2 ORDER BY');
    expect(sql.params).toEqual(['active', '2027-01-01', 5, 0]);
  });

  it.each([
    ['status=lapsed', 'status'],
    ['expiring_before=2027-13-01', 'expiring_before'],
    ['expiring_before=next-month', 'expiring_before'],
    ['limit=1000', 'limit'],
    ['lead_id=4', 'lead_id'],
  ])('%s → issue on %s', (query, field) => {
    const parsed = parse(query);
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.field)).toContain(field);
  });
});
