import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { z } from "zod";
import {
  awsAdapterSet,
  buildConsumers,
  buildJobs,
  type AdapterSet,
  type BuiltConsumer,
  type BuiltJob,
  type ConsumerOutcome,
  type Consumers,
  type JobOutcome,
  type Jobs,
} from "@pressbridge/adapters";
import { ValidationError, type BusEvent, type Logger } from "@pressbridge/core";

/** One structured JSON logger per function (Powertools), adapted to core's Logger port. */
export function createFunctionLogger(serviceName: string): { logger: Logger; powertools: PowertoolsLogger } {
  const powertools = new PowertoolsLogger({ serviceName, logLevel: (process.env.POWERTOOLS_LOG_LEVEL as "INFO" | undefined) ?? "INFO" });
  const logger: Logger = {
    debug: (m, f) => powertools.debug(m, f ?? {}),
    info: (m, f) => powertools.info(m, f ?? {}),
    warn: (m, f) => powertools.warn(m, f ?? {}),
    error: (m, f) => powertools.error(m, f ?? {}),
  };
  return { logger, powertools };
}

/** The AWS adapter set of a function, with its own logger: created once per container. */
export function functionAdapters(name: string): AdapterSet {
  return awsAdapterSet({ logger: createFunctionLogger(name).logger });
}

/**
 * The shared wrapper of every handler: logs the invocation and its outcome, and turns failures into
 * a logged error that is rethrown, so Lambda's retry and on-failure destination see it. Validation
 * errors (a bad event) are not worth retrying and are logged as such.
 */
export function wrapHandler<E, R>(
  name: string,
  logger: Logger,
  fn: (event: E) => Promise<R>,
  summarise: (result: R) => Record<string, unknown> = () => ({}),
): (event: E) => Promise<R> {
  return async (event: E) => {
    const started = Date.now();
    try {
      const result = await fn(event);
      logger.info(`${name} done`, { durationMs: Date.now() - started, ...summarise(result) });
      return result;
    } catch (err) {
      logger.error(`${name} failed`, {
        durationMs: Date.now() - started,
        errorName: (err as Error)?.name,
        error: (err as Error)?.message,
        retryable: !(err instanceof ValidationError),
      });
      throw err;
    }
  };
}

/** The EventBridge envelope; `detail-type` and `detail` are what the consumers read. */
const EventBridgeEnvelope = z.object({ id: z.string().optional(), "detail-type": z.string(), detail: z.unknown(), time: z.string().optional() }).loose();

/** An EventBridge event as a bus event; anything else is a ValidationError (not worth retrying). */
export function busEventOf(event: unknown): BusEvent {
  const envelope = EventBridgeEnvelope.safeParse(event);
  if (!envelope.success) throw new ValidationError("event", "expected an EventBridge event (detail-type and detail)");
  const e = envelope.data;
  return { id: e.id ?? "", detailType: e["detail-type"] as BusEvent["detailType"], detail: e.detail as BusEvent["detail"], time: e.time ?? new Date().toISOString() };
}

/** The Lambda handler of one consumer of the routes table, wired from the AWS adapter set. */
export function consumerHandler<N extends keyof Consumers>(name: N): (event: unknown) => Promise<ConsumerOutcome<N>> {
  const adapters = functionAdapters(name);
  const consumer = buildConsumers(adapters)[name] as BuiltConsumer<ConsumerOutcome<N>>;
  return wrapHandler(name, adapters.logger, (event: unknown) => consumer.handle(busEventOf(event)), (o) => consumer.summary(o));
}

/** The Lambda handler of one scheduled job, wired from the AWS adapter set; `after` sees each result (metrics). */
export function jobHandler<N extends keyof Jobs>(name: N, after?: (result: JobOutcome<N>) => void): (input: unknown) => Promise<JobOutcome<N>> {
  const adapters = functionAdapters(name);
  const job = buildJobs(adapters)[name] as BuiltJob<JobOutcome<N>>;
  const run = async (input: unknown) => {
    const result = await job.handle(input);
    after?.(result);
    return result;
  };
  return wrapHandler(name, adapters.logger, run, (o) => job.summary(o));
}
