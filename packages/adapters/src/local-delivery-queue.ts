import { createHash, randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { systemClock, type BusEvent, type Clock } from "@pressbridge/core";
import { currentProcess, isProcessLive, parseProcessTag, processTag, type ProcessRef } from "./process-liveness.ts";

/**
 * The local bus's durable part: one file per delivery still owed (an event for one consumer), under
 * `<data-dir>/bus`, shared by every pressbridge process of the data dir.
 *
 * - `queue/<consumer>~<hash of event id>.json`: owed, with its attempt count and next attempt time.
 *   Created exclusively (a hard link of a complete, fsynced temp file), so a second publish of the
 *   same event id while it is owed is a no-op and a reader never sees half a file.
 * - `claimed/<pid>.<start time>-<queue instance>@<name>`: being delivered by that process. A claim is a rename out
 *   of `queue/`, so exactly one process delivers a delivery at a time. A claim whose process died is
 *   put back in `queue/` by the next scan of any process.
 * - A delivery is deleted only after its consumer succeeded; a failure puts it back with the next
 *   attempt time from DELIVERY_RETRY_SCHEDULE_MS. Nothing is ever dropped.
 *
 * Files are 0600 and directories 0700 (events carry release titles and plan ids).
 */

/** Waits between attempts: 1 s, 5 s, 30 s, 2 min, 10 min, 30 min, then hourly for ever. */
export const DELIVERY_RETRY_SCHEDULE_MS: readonly number[] = [1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];

/** The wait before the attempt after `failedAttempts` failures. */
export function retryDelayMs(failedAttempts: number, schedule: readonly number[] = DELIVERY_RETRY_SCHEDULE_MS): number {
  return schedule[Math.min(Math.max(failedAttempts, 1), schedule.length) - 1]!;
}

export interface OwedDelivery {
  version: 1;
  consumer: string;
  event: BusEvent;
  /** Failed attempts so far. */
  attempts: number;
  queuedAt: string;
  nextAttemptAt: string;
  lastError: string | null;
}

/** A delivery this process claimed: deliver it, then `complete` or `reschedule` it. */
export interface DeliveryClaim {
  name: string;
  record: OwedDelivery;
}

/** What is owed, for logs, the exit code of `poll` and the queue page. */
export interface OwedSummary {
  /** Deliveries waiting in the queue (not being delivered right now). */
  waiting: number;
  /** Deliveries some live process is delivering right now. */
  inFlight: number;
  byConsumer: Record<string, number>;
  /** The earliest next attempt among the waiting ones. */
  nextAttemptAt: string | null;
  oldestQueuedAt: string | null;
  /** The last error of the waiting delivery that failed most often. */
  lastError: string | null;
  mostAttempts: number;
}

export class FileDeliveryQueue {
  readonly dir: string;
  readonly #queueDir: string;
  readonly #claimedDir: string;
  readonly #tmpDir: string;
  readonly #clock: Clock;
  readonly #schedule: readonly number[];
  readonly #self: ProcessRef;
  /** This queue object's claims (one process may open the queue more than once, e.g. in tests). */
  readonly #owner: string;
  #ready: Promise<void> | undefined;

  constructor(options: { dir: string; clock?: Clock; schedule?: readonly number[] }) {
    this.dir = resolve(options.dir);
    this.#queueDir = join(this.dir, "queue");
    this.#claimedDir = join(this.dir, "claimed");
    this.#tmpDir = join(this.dir, "tmp");
    this.#clock = options.clock ?? systemClock;
    this.#schedule = options.schedule ?? DELIVERY_RETRY_SCHEDULE_MS;
    this.#self = currentProcess();
    this.#owner = `${processTag(this.#self)}-${randomBytes(4).toString("hex")}`;
  }

  /** The file name of an event's delivery to a consumer: deterministic, so a redelivery finds it. */
  static nameFor(consumer: string, eventId: string): string {
    return `${consumer}~${createHash("sha256").update(eventId).digest("base64url").slice(0, 32)}.json`;
  }

  static consumerOf(name: string): string {
    return name.slice(0, name.indexOf("~"));
  }

  /**
   * Records that `consumer` owes `event`, durably, before the caller treats the event as published.
   * "owed-already" when that delivery is waiting or being delivered (the same event id).
   */
  async add(consumer: string, event: BusEvent): Promise<{ name: string; result: "queued" | "owed-already" }> {
    await this.#ensureDirs();
    const name = FileDeliveryQueue.nameFor(consumer, event.id);
    if (await this.#isClaimed(name)) return { name, result: "owed-already" };
    const now = this.#clock.now().toISOString();
    const record: OwedDelivery = { version: 1, consumer, event, attempts: 0, queuedAt: now, nextAttemptAt: now, lastError: null };
    const temp = await this.#writeTemp(record);
    try {
      await link(temp, join(this.#queueDir, name));
      await this.#syncDir(this.#queueDir);
      return { name, result: "queued" };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return { name, result: "owed-already" };
      throw err;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** The waiting deliveries: name, consumer and when each is due (ms since the epoch). */
  async waiting(): Promise<Array<{ name: string; consumer: string; dueAt: number; record: OwedDelivery }>> {
    await this.#ensureDirs();
    const out: Array<{ name: string; consumer: string; dueAt: number; record: OwedDelivery }> = [];
    for (const name of await readdir(this.#queueDir)) {
      if (!name.endsWith(".json")) continue;
      const record = await this.#read(join(this.#queueDir, name));
      if (record === undefined) continue;
      out.push({ name, consumer: record.consumer, dueAt: Date.parse(record.nextAttemptAt), record });
    }
    return out;
  }

  /**
   * Claims a waiting delivery for this process if it is due: undefined when another process took it,
   * it is gone, or it is not due yet.
   */
  async claim(name: string): Promise<DeliveryClaim | undefined> {
    const queued = join(this.#queueDir, name);
    const before = await this.#read(queued);
    if (before === undefined || Date.parse(before.nextAttemptAt) > this.#clock.now().getTime()) return undefined;
    const claimed = this.#claimedPath(name);
    try {
      await rename(queued, claimed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    const record = await this.#read(claimed);
    if (record === undefined) {
      await rm(claimed, { force: true });
      return undefined;
    }
    return { name, record };
  }

  /** The consumer succeeded: the delivery is done. */
  async complete(claim: DeliveryClaim): Promise<void> {
    await rm(this.#claimedPath(claim.name), { force: true });
  }

  /** The consumer failed: back in the queue with its next attempt time, which is returned (ms). */
  async reschedule(claim: DeliveryClaim, error: string): Promise<number> {
    const attempts = claim.record.attempts + 1;
    const dueAt = this.#clock.now().getTime() + retryDelayMs(attempts, this.#schedule);
    const record: OwedDelivery = { ...claim.record, attempts, nextAttemptAt: new Date(dueAt).toISOString(), lastError: error.slice(0, 2000) };
    const temp = await this.#writeTemp(record);
    // A newer publish of the same event may have queued it again meanwhile; either record will do.
    await rename(temp, join(this.#queueDir, claim.name));
    await this.#syncDir(this.#queueDir);
    await rm(this.#claimedPath(claim.name), { force: true });
    return dueAt;
  }

  /**
   * Puts claims of processes that died back in the queue, due at once, and claims of this process
   * that are not in `mine` (a complete or reschedule that failed). Returns how many.
   */
  async recoverAbandoned(mine: ReadonlySet<string>): Promise<number> {
    await this.#ensureDirs();
    let recovered = 0;
    for (const file of await readdir(this.#claimedDir)) {
      const at = file.indexOf("@");
      const ownerTag = at < 0 ? "" : file.slice(0, at);
      const owner = claimOwner(ownerTag);
      const name = file.slice(at + 1);
      const isSelf = ownerTag === this.#owner;
      if (owner !== undefined && (isSelf ? mine.has(name) : isProcessLive(owner))) continue;
      try {
        await rename(join(this.#claimedDir, file), join(this.#queueDir, name));
        recovered++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
    return recovered;
  }

  /** What is owed right now, across every process of the data dir. */
  async summary(): Promise<OwedSummary> {
    const waiting = await this.waiting();
    const claimed = (await readdir(this.#claimedDir).catch(() => [] as string[])).filter((f) => {
      const owner = claimOwner(f.slice(0, Math.max(0, f.indexOf("@"))));
      return owner !== undefined && isProcessLive(owner);
    });
    const byConsumer: Record<string, number> = {};
    for (const w of waiting) byConsumer[w.consumer] = (byConsumer[w.consumer] ?? 0) + 1;
    const worst = [...waiting].sort((a, b) => b.record.attempts - a.record.attempts)[0];
    const next = waiting.length === 0 ? null : Math.min(...waiting.map((w) => w.dueAt));
    const oldest = waiting.map((w) => w.record.queuedAt).sort()[0] ?? null;
    return {
      waiting: waiting.length,
      inFlight: claimed.length,
      byConsumer,
      nextAttemptAt: next === null ? null : new Date(next).toISOString(),
      oldestQueuedAt: oldest,
      lastError: worst?.record.lastError ?? null,
      mostAttempts: worst?.record.attempts ?? 0,
    };
  }

  #claimedPath(name: string): string {
    return join(this.#claimedDir, `${this.#owner}@${name}`);
  }

  async #isClaimed(name: string): Promise<boolean> {
    const suffix = `@${name}`;
    for (const file of await readdir(this.#claimedDir)) {
      if (!file.endsWith(suffix)) continue;
      const owner = claimOwner(file.slice(0, file.length - suffix.length));
      if (owner !== undefined && isProcessLive(owner)) return true;
    }
    return false;
  }

  async #read(path: string): Promise<OwedDelivery | undefined> {
    try {
      const record = JSON.parse(await readFile(path, "utf8")) as OwedDelivery;
      if (record.version !== 1 || typeof record.consumer !== "string" || typeof record.event?.id !== "string") return undefined;
      return record;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return undefined;
      if (err instanceof SyntaxError) return undefined; // never written by the queue (writes are atomic)
      throw err;
    }
  }

  async #writeTemp(record: OwedDelivery): Promise<string> {
    const temp = join(this.#tmpDir, `${processTag(this.#self)}-${randomBytes(6).toString("hex")}.json`);
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(record)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  }

  async #syncDir(dir: string): Promise<void> {
    try {
      const handle = await open(dir, "r");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Not every platform can fsync a directory; the file itself was fsynced.
    }
  }

  #ensureDirs(): Promise<void> {
    this.#ready ??= (async () => {
      for (const d of [this.dir, this.#queueDir, this.#claimedDir, this.#tmpDir]) {
        await mkdir(d, { recursive: true, mode: 0o700 });
        await chmod(d, 0o700);
      }
      // Temp files of processes that died mid-write.
      for (const file of await readdir(this.#tmpDir)) {
        const owner = parseProcessTag(file.slice(0, Math.max(0, file.indexOf("-"))));
        if (owner === undefined || !isProcessLive(owner)) await rm(join(this.#tmpDir, file), { force: true });
      }
    })();
    return this.#ready;
  }
}

/** The process of a claim's owner tag (`<pid>.<start time>-<instance>`; a bare process tag too). */
function claimOwner(tag: string): ProcessRef | undefined {
  const dash = tag.indexOf("-");
  return parseProcessTag(dash < 0 ? tag : tag.slice(0, dash));
}
