// Redis plumbing between a run's coordinator and its shards (which may be on other machines):
//   events   a Redis stream the shards append to (hello, a beat every second, one snapshot per second, done); the
//            coordinator reads it in order with XREAD BLOCK, so nothing is lost if it lags behind for a moment
//   start    the common start time (epoch ms), set once every shard has been picked up
//   control  stop | abort | fail | lost: every shard stops its engine when this appears
//   coord    the coordinator's liveness key (short TTL, refreshed every second): shards stop when it disappears
// Keys live under the queue prefix, so test runs with their own prefix never meet.
import type { Redis } from 'ioredis';
import { env } from '../env';
import { shardMessageSchema, type ControlSignal, type ShardMessage } from './types';

export const COORD_TTL_MS = 8_000;
const KEY_TTL_SEC = 3_600;

export function runKeys(runId: string, prefix = env().PERFDECK_QUEUE_PREFIX) {
  const base = `${prefix}:loadtest:run:${runId}`;
  return { events: `${base}:events`, start: `${base}:start`, control: `${base}:control`, coord: `${base}:coord` };
}

export async function publish(redis: Redis, runId: string, msg: ShardMessage): Promise<void> {
  // MAXLEN ~ bounds a runaway stream; a 2-hour run with 16 shards is ~115k entries, so the cap never bites a real run
  // whose coordinator is reading.
  await redis.xadd(runKeys(runId).events, 'MAXLEN', '~', '200000', '*', 'm', JSON.stringify(msg));
}

export interface ReadResult {
  lastId: string;
  messages: ShardMessage[];
  /** Entries that did not parse (a bug or a foreign writer): counted, never trusted. */
  invalid: number;
}

export async function readEvents(redis: Redis, runId: string, lastId: string, blockMs: number): Promise<ReadResult> {
  const res = (await redis.xread('COUNT', 500, 'BLOCK', blockMs, 'STREAMS', runKeys(runId).events, lastId)) as [string, [string, string[]][]][] | null;
  const out: ReadResult = { lastId, messages: [], invalid: 0 };
  for (const [, entries] of res ?? []) {
    for (const [id, fields] of entries) {
      out.lastId = id;
      const i = fields.indexOf('m');
      const parsed = i >= 0 ? shardMessageSchema.safeParse(safeJson(fields[i + 1])) : null;
      if (parsed?.success) out.messages.push(parsed.data);
      else out.invalid++;
    }
  }
  return out;
}

function safeJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function setControl(redis: Redis, runId: string, signal: ControlSignal, reason = ''): Promise<void> {
  // NX: the first signal wins (a user's stop is not overwritten by the abort that follows it).
  await redis.set(runKeys(runId).control, `${signal}:${reason}`, 'EX', KEY_TTL_SEC, 'NX');
}

export async function getControl(redis: Redis, runId: string): Promise<{ signal: ControlSignal; reason: string } | null> {
  const v = await redis.get(runKeys(runId).control);
  if (!v) return null;
  const i = v.indexOf(':');
  return { signal: (i < 0 ? v : v.slice(0, i)) as ControlSignal, reason: i < 0 ? '' : v.slice(i + 1) };
}

export async function setStart(redis: Redis, runId: string, startAt: number): Promise<void> {
  await redis.set(runKeys(runId).start, String(startAt), 'EX', KEY_TTL_SEC);
}

/** What a shard polls: the start time, the control signal and whether the coordinator is alive, in one round trip. */
export async function readShardView(redis: Redis, runId: string): Promise<{ startAt: number | null; control: string | null; coordinatorAlive: boolean }> {
  const k = runKeys(runId);
  const [start, control, coord] = await redis.mget(k.start, k.control, k.coord);
  return { startAt: start ? Number(start) : null, control, coordinatorAlive: coord !== null };
}

export async function beatCoordinator(redis: Redis, runId: string): Promise<void> {
  await redis.set(runKeys(runId).coord, String(Date.now()), 'PX', COORD_TTL_MS);
}

/** After the run: drop the liveness and start keys, keep the stream and control key for an hour (debugging). */
export async function closeRunKeys(redis: Redis, runId: string): Promise<void> {
  const k = runKeys(runId);
  await redis
    .multi()
    .del(k.coord, k.start)
    .expire(k.events, KEY_TTL_SEC)
    .expire(k.control, KEY_TTL_SEC)
    .exec();
}
