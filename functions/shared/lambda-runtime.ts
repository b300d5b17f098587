import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { z } from "zod";
import { handle } from "hono/aws-lambda";
import {
  SCHEDULE_INPUT_SOURCE,
  awsAdapterSet,
  publishDeps,
  webAppDeps,
  buildConsumers,
  buildJobs,
  type AdapterSet,
  type BuiltConsumer,
  type BuiltJob,
  type ConsumerOutcome,
  type Consumers,
  type JobOutcome,
  type Jobs,
  type ScheduledActionInput,
} from "@pressbridge/adapters";
import { ValidationError, publishOnEvent, type BusEvent, type Logger, type PublishRunOutcome, type SigningKeys } from "@pressbridge/core";
import { createWebApp } from "@pressbridge/web";

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

/** The AWS adapter set of a function, with its own logger (and the heavy adapters only it uses): created once per container. */
export function functionAdapters(name: string, own: Pick<Parameters<typeof awsAdapterSet>[0], "fetcher" | "parse" | "publishers"> = {}): AdapterSet {
  return awsAdapterSet({ logger: createFunctionLogger(name).logger, ...own });
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
export function consumerHandler<N extends keyof Consumers>(name: N, own: Parameters<typeof functionAdapters>[1] = {}): (event: unknown) => Promise<ConsumerOutcome<N>> {
  const adapters = functionAdapters(name, own);
  const consumer = buildConsumers(adapters)[name] as BuiltConsumer<ConsumerOutcome<N>>;
  return wrapHandler(name, adapters.logger, (event: unknown) => consumer.handle(busEventOf(event)), (o) => consumer.summary(o));
}

/**
 * What an action's one-time schedule invokes the publish function with (EventBridgeActionScheduler):
 * `{"source":"pressbridge.schedule","planId","actionKey"}`. An EventBridge event never looks like it:
 * its source is the bus's ("pressbridge") and it has a detail-type.
 */
const ScheduledActionInvocation = z.object({
  source: z.literal(SCHEDULE_INPUT_SOURCE),
  planId: z.string().min(1).max(256),
  actionKey: z.string().min(1).max(512),
});

/**
 * The scheduled action an invocation asks for, or undefined for anything else (an EventBridge event).
 * An invocation with the schedule's source but a bad shape is a ValidationError naming the field.
 */
export function scheduledActionOf(event: unknown): ScheduledActionInput | undefined {
  if (typeof event !== "object" || event === null || (event as { source?: unknown }).source !== SCHEDULE_INPUT_SOURCE || "detail-type" in event) return undefined;
  const parsed = ScheduledActionInvocation.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`event.${issue?.path.join(".") ?? ""}`, issue?.message ?? "invalid scheduled invocation");
  }
  return parsed.data;
}

/**
 * The publish function: the routes table's "publish" consumer for EventBridge events (Amplification
 * Approved, Publication Retry Requested), and the target of every scheduled action's one-time
 * schedule. A scheduled invocation runs the same use case as Amplification Approved for its plan
 * (publishOnEvent with publishDeps, as the consumer does), so what is due is published once and a
 * retryable failure fails the invocation (Lambda's async retries, then the DLQ).
 */
export function publishHandler(own: Parameters<typeof functionAdapters>[1] = {}): (event: unknown) => Promise<PublishRunOutcome> {
  const name = "publish";
  const adapters = functionAdapters(name, own);
  const consumer = buildConsumers(adapters).publish;
  const run = (event: unknown): Promise<PublishRunOutcome> => {
    const scheduled = scheduledActionOf(event);
    if (scheduled === undefined) return consumer.handle(busEventOf(event));
    adapters.logger.info("scheduled action due", { planId: scheduled.planId, actionKey: scheduled.actionKey });
    return publishOnEvent(publishDeps(adapters), { planId: scheduled.planId, retryFailed: false });
  };
  return wrapHandler(name, adapters.logger, run, (o) => consumer.summary(o));
}

/** The Lambda handler of one scheduled job, wired from the AWS adapter set; `after` sees each result (metrics). */
export function jobHandler<N extends keyof Jobs>(name: N, options: { own?: Parameters<typeof functionAdapters>[1]; after?: (result: JobOutcome<N>) => void } = {}): (input: unknown) => Promise<JobOutcome<N>> {
  const { after } = options;
  const adapters = functionAdapters(name, options.own);
  const job = buildJobs(adapters)[name] as BuiltJob<JobOutcome<N>>;
  const run = async (input: unknown) => {
    const result = await job.handle(input);
    after?.(result);
    return result;
  };
  return wrapHandler(name, adapters.logger, run, (o) => job.summary(o));
}

/**
 * The approval web app on Lambda, the same Hono app as locally (webAppDeps): people sign in by email
 * (sessions in the table, links through SES), no shared token. Per invocation it refreshes the
 * signing keys (Secrets Manager, for rotation), which sign review and sign-in links alike. It
 * answers only at WEB_BASE_URL when set, else at the Function URL's domain from the request
 * context, which AWS sets from the URL it routed (a client's Host header cannot change it).
 */
export function webHandler(name: string) {
  const adapters = functionAdapters(name);
  let keys: SigningKeys | undefined;
  const notLoaded = (what: string): never => {
    throw new Error(`${what} not loaded`);
  };
  const lambda = handle(
    createWebApp({
      ...webAppDeps(adapters, () => keys ?? notLoaded("signing keys")),
      baseUrl: adapters.webBaseUrl ?? functionUrlBase,
    }),
  );
  return async (event: Parameters<typeof lambda>[0], context: Parameters<typeof lambda>[1]) => {
    keys = await adapters.signingKeys();
    return lambda(event, context);
  };
}

/** https://<the domain AWS routed this request to>, from the Function URL (or HTTP API) request context. */
function functionUrlBase(c: { env: unknown }): string | undefined {
  const domain = (c.env as { requestContext?: { domainName?: unknown } } | undefined)?.requestContext?.domainName;
  return typeof domain === "string" && /^[a-z0-9.-]+$/i.test(domain) ? `https://${domain}` : undefined;
}
