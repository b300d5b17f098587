import type { BusEvent } from "../events/catalog.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, EventBus, EventOutbox } from "../ports.ts";

/**
 * The one delivery kernel (docs/delivery.md). Every step that changes state and announces it does
 * the same three things:
 *
 * 1. the state change and its event are written in one DynamoDB transaction: the event as an
 *    outbox item (`OUTBOX#<event id>`) beside the release, plan, decision or publication it
 *    announces, so the event exists exactly when the change does;
 * 2. the event is put on the bus afterwards and its outbox item deleted (`publishRecorded`);
 * 3. whatever step 2 did not finish (the bus failed, the process died) is published by the next
 *    flush (`flushOutbox`, run by the sweep), because the outbox item is still there.
 *
 * Event ids are derived from the state change (`release-detected:<release id>`, a plan's id, a
 * decision's plan id, a retry request's number), never from the time or a random number, so a
 * redelivery, a retry of a write whose answer was lost, or a flush racing the writer put the same
 * event on the bus, which consumers recognise by their own conditional writes.
 *
 * Events that announce no new state (the sweep's redelivery of work a consumer never finished) go
 * through `announce`: recorded in the outbox first (a conditional put per event id, so one id is
 * recorded once), then published and cleared the same way.
 */

export interface DeliveryDeps {
  bus: EventBus;
  outbox: EventOutbox;
  logger?: Logger;
}

/**
 * Step 2: puts events whose outbox items were written with their state change on the bus, then
 * clears them. A failure is logged and left to the flush: the state change has happened, so the
 * caller succeeds. Returns whether the events went out now.
 */
export async function publishRecorded(deps: DeliveryDeps, events: readonly BusEvent[], context: Record<string, unknown> = {}): Promise<"published" | "left-in-outbox"> {
  if (events.length === 0) return "published";
  try {
    await deps.bus.publish(events);
  } catch (err) {
    (deps.logger ?? silentLogger).warn("events left in the outbox for the next flush", { ...context, events: events.length, eventIds: events.slice(0, 5).map((e) => e.id), error: errorText(err) });
    return "left-in-outbox";
  }
  try {
    await deps.outbox.deleteEvents(events.map((e) => e.id));
  } catch (err) {
    // Published but not cleared: the flush publishes them again under the same ids (harmless).
    (deps.logger ?? silentLogger).warn("published events could not be cleared from the outbox; the flush repeats them", { ...context, error: errorText(err) });
  }
  return "published";
}

/** Announces events that come with no state change (redeliveries): record, publish, clear. */
export async function announce(deps: DeliveryDeps, events: readonly BusEvent[], context: Record<string, unknown> = {}): Promise<"published" | "left-in-outbox"> {
  if (events.length === 0) return "published";
  await deps.outbox.recordEvents(events);
  return publishRecorded(deps, events, context);
}

/** How old an outbox item must be before the flush publishes it: younger ones are still their writer's. */
export const OUTBOX_FLUSH_AGE_SECONDS = 10;

/**
 * Step 3: publishes events left in the outbox (a publish that failed, or a writer that died, after
 * its transaction committed), oldest first, in pages of 100 until none older than `minAgeSeconds`
 * is left. A bus failure throws: the events stay for the next flush.
 */
export async function flushOutbox(deps: DeliveryDeps & { clock: Clock }, minAgeSeconds = OUTBOX_FLUSH_AGE_SECONDS): Promise<number> {
  const upTo = new Date(deps.clock.now().getTime() - minAgeSeconds * 1000).toISOString();
  let flushed = 0;
  for (let page = 0; page < 50; page++) {
    const events = await deps.outbox.pendingEvents(upTo, 100);
    if (events.length === 0) break;
    await deps.bus.publish(events);
    await deps.outbox.deleteEvents(events.map((e) => e.id));
    flushed += events.length;
    if (events.length < 100) break;
  }
  return flushed;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
