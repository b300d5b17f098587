import { PressbridgeError, TransientError } from "./errors.ts";

/**
 * Waits between attempts of a state write that must follow a side effect already done (an email
 * sent, an event published): 0.25 s doubling to 8 s, about 16 s in all, so a store that restarts
 * (DynamoDB Local killed and started again, a throttled table) still records what happened instead
 * of leaving it to be done a second time.
 */
export const STATE_WRITE_RETRY_MS: readonly number[] = [250, 500, 1_000, 2_000, 4_000, 8_000];

/**
 * Runs `write`, retrying failures that may clear up: TransientError and errors that are not
 * Pressbridge's own (network errors, SDK errors). A ValidationError or any other
 * domain error fails at once. The last error is thrown when every attempt failed.
 */
export async function retryStateWrite<T>(
  write: (attempt: number) => Promise<T>,
  options: { delaysMs?: readonly number[]; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const delays = options.delaysMs ?? STATE_WRITE_RETRY_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await write(attempt);
    } catch (err) {
      const retryable = err instanceof TransientError || !(err instanceof PressbridgeError);
      if (!retryable || attempt >= delays.length) throw err;
      await sleep(delays[attempt]!);
    }
  }
}
