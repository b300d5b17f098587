import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { readFileSync } from "node:fs";
import { z } from "zod";
import {
  EVENTS,
  ValidationError,
  parseConfig,
  parseEventDetail,
  type EventDetail,
  type EventName,
  type Logger,
  type PressbridgeConfig,
} from "@pressbridge/core";

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

/** Reads a required environment variable; a missing one fails the cold start naming it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") throw new ValidationError(name, "environment variable is required");
  return value;
}

/**
 * The service config, validated with the same schema as locally: the file named by
 * PRESSBRIDGE_CONFIG_FILE (in AWS the config layer's /opt/pressbridge.config.json), or the JSON in
 * PRESSBRIDGE_CONFIG (tests, small setups).
 */
export function configFromEnv(): PressbridgeConfig {
  const file = process.env.PRESSBRIDGE_CONFIG_FILE;
  const name = file !== undefined && file !== "" ? "PRESSBRIDGE_CONFIG_FILE" : "PRESSBRIDGE_CONFIG";
  let raw: string;
  if (name === "PRESSBRIDGE_CONFIG_FILE") {
    try {
      raw = readFileSync(file!, "utf8");
    } catch (err) {
      throw new ValidationError(name, `cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  } else {
    raw = requiredEnv("PRESSBRIDGE_CONFIG");
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ValidationError(name, `is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(json);
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

/** The EventBridge envelope; only `detail-type` and `detail` are read. */
const EventBridgeEnvelope = z.object({ "detail-type": z.string(), detail: z.unknown() }).loose();

/**
 * Validates an EventBridge event as the catalog's `name` event and returns its parsed detail; any
 * other event, or an invalid detail, is a ValidationError naming the field (not worth retrying).
 */
export function eventDetailOf<N extends EventName>(event: unknown, name: N): EventDetail<N> {
  const envelope = EventBridgeEnvelope.safeParse(event);
  const detailType = EVENTS[name].detailType;
  if (!envelope.success || envelope.data["detail-type"] !== detailType) {
    throw new ValidationError("event", `expected an EventBridge "${detailType}" event`);
  }
  return parseEventDetail(name, envelope.data.detail);
}
