import { consumersFor, silentLogger, type BusEvent, type EventBus, type Logger, type Route } from "@pressbridge/core";

export type Consumer = (event: BusEvent) => Promise<void>;

/**
 * In-process bus for the local runtime and tests. It routes with the same routes table the CDK infra
 * turns into EventBridge rules. Delivery is asynchronous and at-least-once like EventBridge: a
 * consumer that throws is retried with backoff, then the event is parked in `deadLetters` (the local
 * DLQ) and logged, never silently dropped.
 */
export class LocalEventBus implements EventBus {
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
    if (!this.routes.some((r) => r.consumer === consumer)) {
      throw new Error(`consumer "${consumer}" is not in the routes table`);
    }
    this.consumers.set(consumer, handler);
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
