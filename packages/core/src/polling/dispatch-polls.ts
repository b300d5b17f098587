import type { FeedConfig, PressbridgeConfig } from "../config/config-schema.ts";
import { mapWithConcurrency } from "../concurrency.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, FeedStateStore } from "../ports.ts";
import type { FeedState } from "../releases/release.ts";
import { pollFeeds, type FeedPollResult, type PollDeps, type PollOptions } from "./poll-feeds.ts";
import { isFeedDue } from "./poll-schedule.ts";
import type { PollBatch, PollBatchResponse, PollQueue, ReceivedPollBatch } from "./poll-queue.ts";

/** Feeds per message: about 500 (issue #18); a message of 500 ids is ~20 KB, far under SQS's 256 KB. */
export const DEFAULT_POLL_BATCH_SIZE = 500;
/** Hosts with fewer feeds than this share batches of at most this many feeds (see groupByHost). */
export const DEFAULT_SHARE_SMALL_HOSTS_BELOW = 32;

export interface DispatchDeps {
  config: PressbridgeConfig;
  feedStates: FeedStateStore;
  queue: PollQueue;
  clock: Clock;
  /** Seconds between scheduler ticks: the same due-ness as pollFeeds (60 in AWS). */
  tickSeconds?: number;
  /** Feeds per batch at most (default DEFAULT_POLL_BATCH_SIZE). */
  batchSize?: number;
  /** Hosts with fewer due feeds share batches of at most this many feeds; 0: every batch is one host's (default DEFAULT_SHARE_SMALL_HOSTS_BELOW). */
  shareSmallHostsBelow?: number;
  logger?: Logger;
}

export interface DispatchSummary {
  dispatchedAt: string;
  /** Enabled feeds found due and sent. */
  due: number;
  /** Enabled feeds not due this tick. */
  notDue: number;
  /** The batches sent (one message each). */
  batches: PollBatch[];
}

/**
 * The dispatcher (issue #18, fan-out): reads the feed states, picks the due feeds with the same
 * rule as pollFeeds (isFeedDue: the feed's phase of the tick, or its backoff time when failing),
 * groups them by host and sends the batches to the poll queue, where each message is polled by its
 * own consumer invocation (consumePollBatches). So a slow or failing host only holds up its own
 * batch, never the others, and the poll scales with the number of messages, not one invocation's
 * time limit.
 *
 * The states are read eventually consistent (half the cost; the dispatcher reads every feed on every
 * tick): a state a second old can only make a feed look due when it just stopped being (one extra
 * conditional GET, and the poll's own state write is version-guarded) or, rarely, hold a recovered
 * feed back one tick. The consumer reads the states again before polling (validators, known items).
 */
export async function dispatchPolls(deps: DispatchDeps, options: PollOptions = {}): Promise<DispatchSummary> {
  const now = deps.clock.now();
  const tickSeconds = deps.tickSeconds ?? 60;
  const wanted = options.feedIds === undefined ? undefined : new Set(options.feedIds);
  const feeds = deps.config.feeds.filter((f) => f.enabled && (wanted === undefined || wanted.has(f.id)));
  const states: Map<string, FeedState> = options.all === true ? new Map() : await deps.feedStates.getFeedStates(feeds.map((f) => f.id), { consistent: false });
  const due = options.all === true ? feeds : feeds.filter((f) => isFeedDue(f, states.get(f.id), now, tickSeconds));
  const dispatchedAt = now.toISOString();
  const batches = groupByHost(due, {
    batchSize: deps.batchSize ?? DEFAULT_POLL_BATCH_SIZE,
    shareSmallHostsBelow: deps.shareSmallHostsBelow ?? DEFAULT_SHARE_SMALL_HOSTS_BELOW,
  }).map((g) => ({ host: g.host, feedIds: g.feeds.map((f) => f.id), dispatchedAt }));
  if (batches.length > 0) await deps.queue.send(batches);
  (deps.logger ?? silentLogger).debug("polls dispatched", { due: due.length, batches: batches.length });
  return { dispatchedAt, due: due.length, notDue: feeds.length - due.length, batches };
}

/** The host a feed is fetched from (URL host with its port, lower-case). */
export function feedHost(feed: Pick<FeedConfig, "url">): string {
  try {
    return new URL(feed.url).host.toLowerCase();
  } catch {
    return feed.url.toLowerCase();
  }
}

/**
 * Groups feeds into batches by host, in the feeds' order (the hosts' own batches, then the shared ones):
 * - a host with at least `shareSmallHostsBelow` feeds gets batches of its own: one when it has at
 *   most `batchSize`, else split into equal parts of at most `batchSize` (1,200 feeds: 3 x 400);
 * - hosts with fewer feeds share batches of at most `shareSmallHostsBelow` feeds, whole hosts
 *   only. The poll fetches up to 32 feeds of a batch at once (feedConcurrency), so with the default
 *   (32) every feed of a shared batch is fetched at the same time: a slow small host delays nobody,
 *   and 1,000 company newsrooms cost ~32 messages a tick, not 1,000. 0 gives every host its own batches.
 */
export function groupByHost(
  feeds: readonly FeedConfig[],
  options: { batchSize: number; shareSmallHostsBelow: number },
): Array<{ host: string; feeds: FeedConfig[] }> {
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  const share = Math.min(Math.max(0, Math.floor(options.shareSmallHostsBelow)), batchSize);
  const byHost = new Map<string, FeedConfig[]>();
  for (const feed of feeds) {
    const host = feedHost(feed);
    const list = byHost.get(host);
    if (list === undefined) byHost.set(host, [feed]);
    else list.push(feed);
  }
  const batches: Array<{ host: string; feeds: FeedConfig[] }> = [];
  const sharedBatches: Array<{ host: string; feeds: FeedConfig[] }> = [];
  let shared: FeedConfig[] = [];
  const flushShared = () => {
    if (shared.length > 0) sharedBatches.push({ host: `shared:${sharedBatches.length + 1}`, feeds: shared });
    shared = [];
  };
  for (const [host, list] of byHost) {
    if (list.length < share) {
      if (shared.length + list.length > share) flushShared();
      shared.push(...list);
      continue;
    }
    const parts = Math.ceil(list.length / batchSize);
    const size = Math.ceil(list.length / parts);
    for (let i = 0; i < list.length; i += size) batches.push({ host, feeds: list.slice(i, i + size) });
  }
  flushShared();
  return [...batches, ...sharedBatches];
}

export interface ConsumeDeps extends PollDeps {
  /** Messages polled at once (default 1: in AWS each invocation gets one message; locally more). */
  messageConcurrency?: number;
}

/** What one message came to. */
export interface PolledBatch {
  messageId: string;
  host: string;
  feeds: FeedPollResult[];
  /** Feeds of the message whose outcome is not recorded: the reason the message is a batch item failure. */
  failedFeedIds: string[];
  /** Feeds of a redelivered message skipped because they were settled since the dispatch. */
  skipped: number;
  /** Set when the message could not be polled at all (its feed states unreadable, a bad body). */
  error?: string;
}

export interface ConsumeOutcome {
  /** SQS's partial batch response: the messages to deliver again. */
  response: PollBatchResponse;
  batches: PolledBatch[];
  /** Every feed polled, in message order. */
  feeds: FeedPollResult[];
}

/**
 * The poll consumer: polls exactly the feeds of each message with pollFeeds (`all` over the
 * message's ids: the dispatcher already decided they are due) and answers the messages to deliver
 * again as batch item failures.
 *
 * A feed whose poll failed and whose failure is recorded (unhealthy, with its backoff and the
 * server's Retry-After) is done: its retry is its backoff, and delivering its message again would
 * defeat that. So a failing feed degrades its own result, never its message, and a message fails
 * only when a feed's outcome could not be recorded (its state write failed, e.g. throttled: the feed
 * is unsettled) or the message could not be polled at all. A redelivered message polls only the
 * feeds not settled since the dispatch (no attempt recorded since `dispatchedAt`: the unsettled
 * ones, and the unchanged ones, which cost a conditional GET and no write).
 */
export async function consumePollBatches(deps: ConsumeDeps, messages: readonly ReceivedPollBatch[]): Promise<ConsumeOutcome> {
  const logger = deps.logger ?? silentLogger;
  const batches = await mapWithConcurrency(messages, deps.messageConcurrency ?? 1, async (message): Promise<PolledBatch> => {
    const polled: PolledBatch = { messageId: message.messageId, host: message.batch.host, feeds: [], failedFeedIds: [], skipped: 0 };
    try {
      let feedIds = message.batch.feedIds;
      if (message.receiveCount > 1) {
        const since = Date.parse(message.batch.dispatchedAt);
        const states = await deps.feedStates.getFeedStates(feedIds, { consistent: true });
        feedIds = feedIds.filter((id) => {
          const at = states.get(id)?.lastAttemptAt;
          return at == null || Date.parse(at) < since;
        });
        polled.skipped = message.batch.feedIds.length - feedIds.length;
      }
      if (feedIds.length === 0) return polled;
      const recorded = new Set<string>();
      const feedStates: FeedStateStore = {
        getFeedStates: (ids, options) => deps.feedStates.getFeedStates(ids, options),
        putFeedState: async (state, expectedVersion) => {
          const answer = await deps.feedStates.putFeedState(state, expectedVersion);
          recorded.add(state.feedId);
          return answer;
        },
      };
      const summary = await pollFeeds({ ...deps, feedStates }, { all: true, feedIds });
      polled.feeds = summary.feeds;
      polled.failedFeedIds = summary.feeds.filter((f) => f.status === "error" && !recorded.has(f.id)).map((f) => f.id);
    } catch (err) {
      polled.error = err instanceof Error ? err.message : String(err);
      polled.failedFeedIds = [...message.batch.feedIds];
    }
    if (polled.failedFeedIds.length > 0) {
      logger.warn("poll batch failed: delivered again", {
        messageId: message.messageId,
        host: message.batch.host,
        failedFeedIds: polled.failedFeedIds.slice(0, 20),
        failed: polled.failedFeedIds.length,
        ...(polled.error === undefined ? {} : { error: polled.error }),
      });
    }
    return polled;
  });
  return {
    response: { batchItemFailures: batches.filter((b) => b.failedFeedIds.length > 0).map((b) => ({ itemIdentifier: b.messageId })) },
    batches,
    feeds: batches.flatMap((b) => b.feeds),
  };
}
