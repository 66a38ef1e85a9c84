// The coordinator's bookkeeping, kept pure so it can be tested without Redis: which shard has been picked up, which
// is silent (a dead worker), which seconds every live shard has reported (ready to merge and store), and what is
// left when the run ends. Time is passed in (epoch ms), never read here.
import type { SecondSnapshot } from './schema';

export type ShardState = 'waiting' | 'running' | 'done' | 'lost';

export interface ShardOutcome {
  requests: number;
  failed: number;
  elapsedSec: number;
  aborted: boolean;
  abortReason: string | null;
  /** A shard that could not run at all (bad target, …). */
  error: string | null;
  /** Cumulative response-time and service-time histograms of this shard (µs, compressed base64). */
  hist: string;
  svcHist: string;
  dropped: number;
  lateStarts: number;
}

export interface ShardStatus {
  index: number;
  state: ShardState;
  workerId: string | null;
  /** Last message of any kind (hello, beat, snapshot, done). */
  lastHeardAt: number | null;
  lastSecond: number;
  reason: string | null;
  outcome: ShardOutcome | null;
}

export interface LivenessOptions {
  /** A shard job nobody picked up within this long fails the run (no worker with a free loadtest slot). */
  pickupTimeoutMs: number;
  /** A running shard that sent nothing for this long is lost (its worker died or hangs). Shards beat every second. */
  silenceMs: number;
}

export const DEFAULT_LIVENESS: LivenessOptions = { pickupTimeoutMs: 20_000, silenceMs: 6_000 };

export class RunCollector {
  readonly shards: ShardStatus[];
  private readonly pending = new Map<number, Map<number, SecondSnapshot>>();
  private nextSecond = 0;
  private readonly since: number;

  constructor(
    readonly shardCount: number,
    now: number,
    private readonly opts: LivenessOptions = DEFAULT_LIVENESS,
  ) {
    this.since = now;
    this.shards = Array.from({ length: shardCount }, (_, index) => ({ index, state: 'waiting', workerId: null, lastHeardAt: null, lastSecond: -1, reason: null, outcome: null }));
  }

  private shard(index: number): ShardStatus | undefined {
    return this.shards[index];
  }

  hello(index: number, workerId: string, now: number): void {
    const s = this.shard(index);
    if (!s || s.state === 'lost' || s.state === 'done') return;
    s.state = 'running';
    s.workerId = workerId;
    s.lastHeardAt = now;
  }

  heard(index: number, now: number): void {
    const s = this.shard(index);
    if (!s || s.state === 'lost') return;
    if (s.state === 'waiting') s.state = 'running';
    s.lastHeardAt = now;
  }

  /** Keep a snapshot until every live shard has reported its second. Late snapshots of a lost shard are ignored. */
  snapshot(snap: SecondSnapshot, now: number): void {
    const s = this.shard(snap.shard.index);
    if (!s || s.state === 'lost') return;
    this.heard(snap.shard.index, now);
    if (snap.second < this.nextSecond) return; // already merged and stored without it (should not happen: streams keep order)
    let bySecond = this.pending.get(snap.second);
    if (!bySecond) this.pending.set(snap.second, (bySecond = new Map()));
    bySecond.set(snap.shard.index, snap);
    if (snap.second > s.lastSecond) s.lastSecond = snap.second;
  }

  done(index: number, outcome: ShardOutcome, now: number): void {
    const s = this.shard(index);
    if (!s || s.state === 'lost') return;
    s.state = 'done';
    s.lastHeardAt = now;
    s.outcome = outcome;
    s.reason = outcome.error;
  }

  markLost(index: number, reason: string): void {
    const s = this.shard(index);
    if (!s || s.state === 'done' || s.state === 'lost') return;
    s.state = 'lost';
    s.reason = reason;
  }

  /** Shards that just became lost: never picked up in time, or silent for too long. They are marked lost. */
  checkLiveness(now: number): ShardStatus[] {
    const lost: ShardStatus[] = [];
    for (const s of this.shards) {
      if (s.state === 'waiting' && now - this.since > this.opts.pickupTimeoutMs) {
        this.markLost(s.index, `shard ${s.index} was not picked up by any worker within ${Math.round(this.opts.pickupTimeoutMs / 1000)} s (is a worker serving the loadtest queue with a free slot?)`);
        lost.push(s);
      } else if (s.state === 'running' && s.lastHeardAt !== null && now - s.lastHeardAt > this.opts.silenceMs) {
        this.markLost(
          s.index,
          `shard ${s.index}${s.workerId ? ` (worker ${s.workerId})` : ''} stopped reporting${s.lastSecond >= 0 ? ` after second ${s.lastSecond}` : ' before its first second'}`,
        );
        lost.push(s);
      }
    }
    return lost;
  }

  get allPickedUp(): boolean {
    return this.shards.every((s) => s.state !== 'waiting');
  }

  get allFinished(): boolean {
    return this.shards.every((s) => s.state === 'done' || s.state === 'lost');
  }

  get anyLost(): boolean {
    return this.shards.some((s) => s.state === 'lost');
  }

  /**
   * Seconds that every shard still running has reported, in order, each as its shards' snapshots. A finished shard
   * (done or lost) no longer holds a second back: done shards have sent all their seconds (streams keep order), and a
   * lost shard's missing seconds will never come.
   */
  takeReady(): SecondSnapshot[][] {
    const out: SecondSnapshot[][] = [];
    const live = this.shards.filter((s) => s.state === 'running' || s.state === 'waiting');
    for (;;) {
      const bySecond = this.pending.get(this.nextSecond);
      const complete = live.every((s) => bySecond?.has(s.index));
      if (!complete) break;
      if (!bySecond) {
        // No live shard is left and nothing was reported for this second: stop if nothing later is pending.
        if (![...this.pending.keys()].some((k) => k > this.nextSecond)) break;
        this.nextSecond++;
        continue;
      }
      out.push([...bySecond.values()].sort((a, b) => a.shard.index - b.shard.index));
      this.pending.delete(this.nextSecond);
      this.nextSecond++;
    }
    return out;
  }

  /** Everything still pending, in order (at the end of a run, whatever state the shards are in). */
  takeRemaining(): SecondSnapshot[][] {
    const seconds = [...this.pending.keys()].sort((a, b) => a - b);
    const out = seconds.map((k) => [...this.pending.get(k)!.values()].sort((a, b) => a.shard.index - b.shard.index));
    this.pending.clear();
    if (seconds.length) this.nextSecond = seconds[seconds.length - 1] + 1;
    return out;
  }

  /** Seconds merged so far (the next second to be merged). */
  get mergedThrough(): number {
    return this.nextSecond - 1;
  }
}
