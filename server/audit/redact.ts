// Audit rows keep before/after of every mutation, minus secrets. Pure.
const SECRET_KEY = /(password|secret|token|tokenHash|dsn|Enc$|^postgresDsn$|^redisUrl$|^prometheusUrl$)/i;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) ? (v == null ? v : '[redacted]') : redactSecrets(v);
    }
    return out;
  }
  return value;
}
