import { consumersFor, silentLogger, systemClock, type BusEvent, type Clock, type EventBus, type Logger, type Route } from "@pressbridge/core";
import { FileDeliveryQueue, type DeliveryClaim, type OwedSummary } from "./local-delivery-queue.ts";

export type Consumer = (event: BusEvent) => Promise<void>;

/** What the local runtime needs of its bus; DurableLocalBus in the CLI, LocalEventBus in tests and benches. */
export interface LocalBus extends EventBus {
  subscribe(consumer: string, handler: Consumer): void;
  /** Resolves when no delivery of this process is in flight. */
  drain(): Promise<void>;
  /** Delivers what is owed, retrying failures due within `graceMs`; then what is still owed. */
  settle(graceMs: number): Promise<OwedSummary>;
  owed(): Promise<OwedSummary>;
  /** Keeps delivering in the background (retries, and work other processes left owed). */
  start(): void;
  close(): Promise<void>;
}

/**
 * In-memory bus for tests and the benchmark. It routes with the same routes table the CDK infra
 * turns into EventBridge rules. Delivery is asynchronous: a consumer that throws is retried with
 * backoff, then the event is parked in `deadLetters` and logged. Nothing survives the process; the
 * local runtime uses DurableLocalBus instead.
 */
export class LocalEventBus implements LocalBus {
  readonly published: BusEvent[] = [];
  readonly deadLetters: Array<{ consumer: string; event: BusEvent; error: string }> = [];
  private readonly consumers = new Map<string, Consumer>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly routes: readonly Route[];
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly keepPublished: boolean;

  constructor(options: { routes: readonly Route[]; logger?: Logger; maxAttempts?: number; retryDelayMs?: number; keepPublished?: boolean }) {
    this.routes = options.routes;
    this.logger = options.logger ?? silentLogger;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.keepPublished = options.keepPublished ?? true;
  }

  /** Registers the handler of a consumer named in the routes table. */
  subscribe(consumer: string, handler: Consumer): void {
    subscribeRouted(this.routes, this.consumers, consumer, handler);
  }

  async publish(events: readonly BusEvent[]): Promise<void> {
    for (const event of events) {
      if (this.keepPublished) this.published.push(event);
      for (const name of consumersFor(event.detailType, this.routes)) {
        const handler = this.consumers.get(name);
        if (handler === undefined) continue;
        const delivery = this.deliver(name, handler, event).finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }
  }

  /** Resolves when every delivery started so far (and any it caused) has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async settle(): Promise<OwedSummary> {
    await this.drain();
    return this.owed();
  }

  /** The parked dead letters, as owed work (nothing retries them). */
  async owed(): Promise<OwedSummary> {
    const byConsumer: Record<string, number> = {};
    for (const d of this.deadLetters) byConsumer[d.consumer] = (byConsumer[d.consumer] ?? 0) + 1;
    return {
      waiting: this.deadLetters.length,
      inFlight: this.inFlight.size,
      byConsumer,
      nextAttemptAt: null,
      oldestQueuedAt: this.deadLetters[0]?.event.time ?? null,
      lastError: this.deadLetters.at(-1)?.error ?? null,
      mostAttempts: this.deadLetters.length === 0 ? 0 : this.maxAttempts,
    };
  }

  start(): void {}

  close(): Promise<void> {
    return this.drain();
  }

  private async deliver(name: string, handler: Consumer, event: BusEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(event);
        return;
      } catch (err) {
        const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        if (attempt >= this.maxAttempts) {
          this.deadLetters.push({ consumer: name, event, error });
          this.logger.error("event delivery failed; parked in the local dead-letter list", {
            consumer: name,
            detailType: event.detailType,
            eventId: event.id,
            error,
          });
          return;
        }
        await new Promise((r) => setTimeout(r, this.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }
}

/**
 * The local runtime's bus: the same routes as EventBridge, and delivery that survives failures and
 * restarts (docs/delivery.md). `publish` resolves only once every routed consumer's delivery is on
 * disk (FileDeliveryQueue), so "announced" means the consumers' work is durably owed. Deliveries
 * run in-process at once, at most `concurrency` at a time; a consumer that throws is retried on the
 * queue's schedule (1 s, 5 s, 30 s, 2 min, 10 min, ...), by this process or any later one of the
 * same data dir, and deleted only once it succeeded.
 */
export class DurableLocalBus implements LocalBus {
  readonly queue: FileDeliveryQueue;
  private readonly consumers = new Map<string, Consumer>();
  private readonly routes: readonly Route[];
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly scanIntervalMs: number;
  /** Deliveries this process knows are waiting, by file name: when each is due (ms). */
  private readonly known = new Map<string, number>();
  /** File names this process is delivering (or claiming) now. */
  private readonly mine = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private scanner: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: { routes: readonly Route[]; queue: FileDeliveryQueue; logger?: Logger; clock?: Clock; concurrency?: number; scanIntervalMs?: number }) {
    this.routes = options.routes;
    this.queue = options.queue;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.concurrency = options.concurrency ?? 16;
    this.scanIntervalMs = options.scanIntervalMs ?? 2_000;
  }

  /** Registers the handler of a consumer named in the routes table. */
  subscribe(consumer: string, handler: Consumer): void {
    subscribeRouted(this.routes, this.consumers, consumer, handler);
  }

  /** Resolves once every delivery is written to the queue; delivering happens afterwards. */
  async publish(events: readonly BusEvent[]): Promise<void> {
    for (const event of events) {
      for (const consumer of consumersFor(event.detailType, this.routes)) {
        const { name, result } = await this.queue.add(consumer, event);
        if (result === "queued") this.known.set(name, this.clock.now().getTime());
      }
    }
    this.pump();
  }

  /** Keeps delivering in the background: due retries, and deliveries other processes left owed. */
  start(): void {
    if (this.scanner !== undefined) return;
    const scan = (): void => {
      this.scan().catch((err: unknown) => this.logger.error("could not read the delivery queue", { dir: this.queue.dir, error: String(err) }));
    };
    scan();
    this.scanner = setInterval(scan, this.scanIntervalMs);
    this.scanner.unref();
  }

  /** Reads the queue (putting back claims of processes that died) and delivers what is due. */
  async scan(): Promise<void> {
    await this.queue.recoverAbandoned(this.mine);
    const waiting = await this.queue.waiting();
    this.known.clear();
    for (const w of waiting) if (this.consumers.has(w.consumer) && !this.mine.has(w.name)) this.known.set(w.name, w.dueAt);
    this.pump();
    await this.pumping;
  }

  /** Resolves when no delivery of this process is in flight (retries due later are not waited for). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || this.pumping !== undefined) {
      await Promise.allSettled([...this.inFlight, this.pumping]);
    }
  }

  /**
   * Delivers everything owed (this process's and what earlier processes left), and keeps retrying
   * the failures whose next attempt falls within `graceMs`; then returns what is still owed.
   */
  async settle(graceMs: number): Promise<OwedSummary> {
    const deadline = this.clock.now().getTime() + graceMs;
    for (;;) {
      await this.scan();
      await this.drain();
      const next = Math.min(...this.known.values());
      if (!Number.isFinite(next) || next > deadline) break;
      const wait = next - this.clock.now().getTime();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return this.queue.summary();
  }

  /** What is owed right now across the data dir's processes. */
  owed(): Promise<OwedSummary> {
    return this.queue.summary();
  }

  /** Stops background delivery and waits for the deliveries in flight; the rest stays owed on disk. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.scanner !== undefined) clearInterval(this.scanner);
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.drain();
  }

  private pump(): void {
    if (this.pumping !== undefined) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.claimAndDeliver()
      .catch((err: unknown) => this.logger.error("could not claim a delivery", { dir: this.queue.dir, error: String(err) }))
      .finally(() => {
        this.pumping = undefined;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async claimAndDeliver(): Promise<void> {
    while (!this.closed && this.mine.size < this.concurrency) {
      const now = this.clock.now().getTime();
      let pick: string | undefined;
      let pickDue = Number.POSITIVE_INFINITY;
      for (const [name, due] of this.known) {
        if (due <= now && due < pickDue && this.consumers.has(FileDeliveryQueue.consumerOf(name))) {
          pick = name;
          pickDue = due;
        }
      }
      if (pick === undefined) break;
      this.known.delete(pick);
      this.mine.add(pick);
      let claim: DeliveryClaim | undefined;
      try {
        claim = await this.queue.claim(pick);
      } finally {
        if (claim === undefined) this.mine.delete(pick);
      }
      if (claim === undefined) continue;
      const delivery = this.deliver(claim).finally(() => {
        this.inFlight.delete(delivery);
        this.mine.delete(claim.name);
        this.pump();
      });
      this.inFlight.add(delivery);
    }
    this.armTimer();
  }

  private async deliver(claim: DeliveryClaim): Promise<void> {
    const { consumer, event } = claim.record;
    const handler = this.consumers.get(consumer)!;
    try {
      await handler(event);
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      try {
        const dueAt = await this.queue.reschedule(claim, error);
        this.known.set(claim.name, dueAt);
        this.logger.warn("event delivery failed; it stays owed and is retried", {
          consumer,
          detailType: event.detailType,
          eventId: event.id,
          attempt: claim.record.attempts + 1,
          nextAttemptAt: new Date(dueAt).toISOString(),
          error,
        });
      } catch (queueErr) {
        // The claim file stays; the next scan puts it back in the queue.
        this.logger.error("could not record a failed delivery; it is retried from its claim", { consumer, eventId: event.id, error: String(queueErr) });
      }
      return;
    }
    try {
      await this.queue.complete(claim);
    } catch (err) {
      this.logger.error("could not remove a finished delivery; it may be delivered again", { consumer, eventId: event.id, error: String(err) });
    }
  }

  private armTimer(): void {
    if (this.closed) return;
    const next = Math.min(...[...this.known.entries()].filter(([n]) => this.consumers.has(FileDeliveryQueue.consumerOf(n))).map(([, due]) => due));
    if (!Number.isFinite(next) || next >= this.timerDueAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDueAt = next;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, Math.max(0, next - this.clock.now().getTime()));
    this.timer.unref();
  }
}

/** Registers a consumer's handler, refusing a consumer the routes table does not name. */
function subscribeRouted(routes: readonly Route[], consumers: Map<string, Consumer>, consumer: string, handler: Consumer): void {
  if (!routes.some((r) => r.consumer === consumer)) throw new Error(`consumer "${consumer}" is not in the routes table`);
  consumers.set(consumer, handler);
}
