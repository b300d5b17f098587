import type { FeedConfig } from "../config/config-schema.ts";
import type { FeedState } from "../releases/release.ts";

/**
 * When a feed is due. An unchanged feed costs zero writes, so "last polled" is not stored on every
 * poll; instead a feed with interval I is polled on the scheduler ticks that fall in its phase:
 * tick number t is due when t mod round(I / tick) equals a phase derived from the feed id (which
 * spreads feeds of the same interval over the ticks). A failing feed is instead due at its backoff
 * time (`nextPollAt`, written with every failure).
 */
export function isFeedDue(feed: FeedConfig, state: FeedState | undefined, now: Date, tickSeconds: number): boolean {
  if (!feed.enabled) return false;
  if (state !== undefined && state.consecutiveFailures > 0 && state.nextPollAt !== null) {
    return Date.parse(state.nextPollAt) <= now.getTime();
  }
  if (state === undefined || state.baselineAt === null) return true;
  const slots = slotsOf(feed, tickSeconds, state, now);
  if (slots === 1) return true;
  const tick = Math.floor(now.getTime() / 1000 / tickSeconds);
  return tick % slots === phaseOf(feed.id, slots);
}

function slotsOf(feed: FeedConfig, tickSeconds: number, state?: Pick<FeedState, "websub">, now?: Date): number {
  return Math.max(1, Math.round(pollIntervalSeconds(feed, state, now ?? new Date(0)) / tickSeconds));
}

/** A feed pushed by a verified WebSub subscription is polled this many times less often... */
export const PUSH_POLL_FACTOR = 10;
/** ...but never less often than hourly (or its own interval, when that is longer). */
export const PUSH_POLL_MAX_SECONDS = 3600;

/**
 * The interval a feed is polled at: its own, or, while a verified WebSub subscription pushes it
 * (`websub.pushVerifiedUntil` in the future, docs/websub.md), ×10 bounded at an hour (never shorter
 * than its own). Polling stays as the fallback for a hub that stops pushing without telling.
 */
export function pollIntervalSeconds(feed: FeedConfig, state: Pick<FeedState, "websub"> | undefined, now: Date): number {
  const until = state?.websub?.pushVerifiedUntil;
  if (until == null || Date.parse(until) <= now.getTime()) return feed.intervalSeconds;
  return Math.max(feed.intervalSeconds, Math.min(feed.intervalSeconds * PUSH_POLL_FACTOR, PUSH_POLL_MAX_SECONDS));
}

/** The start of the next tick on which a healthy feed is due (for display; not a lock). */
export function nextScheduledPoll(feed: FeedConfig, now: Date, tickSeconds: number, state?: Pick<FeedState, "websub">): Date {
  const slots = slotsOf(feed, tickSeconds, state, now);
  const tick = Math.floor(now.getTime() / 1000 / tickSeconds);
  const phase = slots === 1 ? 0 : phaseOf(feed.id, slots);
  let next = tick + 1;
  if (slots > 1) next += (((phase - (next % slots)) % slots) + slots) % slots;
  return new Date(next * tickSeconds * 1000);
}

function phaseOf(feedId: string, slots: number): number {
  let h = 2166136261;
  for (let i = 0; i < feedId.length; i++) {
    h ^= feedId.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % slots;
}

export const MAX_BACKOFF_SECONDS = 6 * 3600;

/**
 * Next poll time after a failure: exponential in the number of consecutive failures, capped at six
 * hours, never sooner than a server's Retry-After, with up to 10% jitter so failing feeds do not all
 * retry in the same second.
 */
export function nextPollAfterFailure(
  feed: FeedConfig,
  consecutiveFailures: number,
  now: Date,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): Date {
  const exp = feed.intervalSeconds * 2 ** Math.min(consecutiveFailures, 20);
  let delay = Math.min(exp, MAX_BACKOFF_SECONDS);
  if (retryAfterSeconds !== undefined) delay = Math.max(delay, Math.min(retryAfterSeconds, 24 * 3600));
  delay += delay * 0.1 * random();
  return new Date(now.getTime() + delay * 1000);
}

