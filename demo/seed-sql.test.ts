import { describe, expect, it } from 'vitest';
import { LEAD_STATUS_WEIGHTS, US_STATES } from './data-model';
import { BUCKETS, bucketize, finishTablesSql, insertLeadsSql, insertPoliciesSql, insertUsersSql, randExpr } from './seed-sql';

describe('bucketize', () => {
  it('fills exactly BUCKETS slots in item order, proportional to the weights', () => {
    const slots = bucketize(LEAD_STATUS_WEIGHTS.map(([, w]) => w));
    expect(slots).toHaveLength(BUCKETS);
    const counts = [1, 2, 3, 4, 5].map((i) => slots.filter((s) => s === i).length);
    expect(counts).toEqual([520, 260, 160, 40, 20]);
    expect([...slots].sort((a, b) => a - b)).toEqual(slots);
  });

  it('gives every state at least one slot, however small', () => {
    const slots = bucketize(US_STATES.map(([, pop]) => pop));
    expect(slots).toHaveLength(BUCKETS);
    for (let i = 1; i <= US_STATES.length; i++) expect(slots).toContain(i);
    const ca = US_STATES.findIndex(([c]) => c === 'CA') + 1;
    const wy = US_STATES.findIndex(([c]) => c === 'WY') + 1;
    expect(slots.filter((s) => s === ca).length).toBeGreaterThan(100);
    expect(slots.filter((s) => s === wy).length).toBeLessThan(5);
  });

  it('still sums to BUCKETS when the minimum of one slot forces rounding down elsewhere', () => {
    const slots = bucketize([1000, 0.001, 0.001, 0.001], 10);
    expect(slots).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 3, 4]);
  });

  it('rejects empty, non-positive or too many weights', () => {
    expect(() => bucketize([])).toThrow();
    expect(() => bucketize([1, 0])).toThrow();
    expect(() => bucketize([1, 1, 1], 2)).toThrow();
  });
});

describe('generated SQL', () => {
  it('is a deterministic function of the sizes (no random(), no now())', () => {
    const all = [insertUsersSql(40), insertLeadsSql(1000, 40), insertPoliciesSql(500)].join('\n');
    expect(all).not.toMatch(/random\(|now\(|clock_timestamp|current_date/i);
    expect(insertLeadsSql(1000, 40)).toBe(insertLeadsSql(1000, 40));
    expect(insertLeadsSql(1000, 40)).toContain('generate_series(1, 1000)');
  });

  it('draws from a 53-bit hash of the row number', () => {
    expect(randExpr('g', 7)).toBe('(((hashint8extended(g, 7) >> 11) & 9007199254740991)::float8 / 9007199254740992.0)');
  });

  it('adds primary keys and foreign keys but no secondary indexes', () => {
    const ddl = finishTablesSql({ leads: 10, policies: 5, users: 2 }).join('\n');
    expect(ddl).not.toMatch(/CREATE (UNIQUE )?INDEX|UNIQUE/i);
    expect(ddl.match(/PRIMARY KEY/g)).toHaveLength(3);
    expect(ddl).toContain('RESTART WITH 11');
  });
});
