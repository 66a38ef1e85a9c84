// Pure: the policies list ("renewal queue": active policies expiring before a date, soonest first). Without an
// index it scans all policies; policies(status, expiration_date) turns it into a short index range scan.
import { z } from 'zod';
import { POLICY_STATUSES } from './data-model';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, POLICY_COLUMNS, type SqlQuery } from './lead-query';
import { dateParam, enumParam, intParam, parseQuery, type Parsed } from './validation';

export const policySearchSchema = z.strictObject({
  status: enumParam(POLICY_STATUSES).optional(),
  expiring_before: dateParam.optional(),
  limit: intParam(1, MAX_LIMIT).default(DEFAULT_LIMIT),
  offset: intParam(0, MAX_OFFSET).default(0),
});

export type PolicySearch = z.output<typeof policySearchSchema>;

export const parsePolicySearch = (params: URLSearchParams): Parsed<PolicySearch> =>
  parseQuery(policySearchSchema, params);

export function buildPolicySearchSql(input: PolicySearch): SqlQuery {
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  if (input.status) where.push(`status = ${bind(input.status)}`);
  // "Before" is exclusive: expiring_before=2027-01-01 lists everything that expires in 2026 or earlier.
  if (input.expiring_before) where.push(`expiration_date < ${bind(input.expiring_before)}`);
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  return {
    sql:
      `SELECT ${POLICY_COLUMNS} FROM policies${whereSql} ORDER BY expiration_date ASC, id ASC` +
      ` LIMIT ${bind(input.limit)} OFFSET ${bind(input.offset)}`,
    params,
  };
}
