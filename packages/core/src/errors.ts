/**
 * Typed domain errors. Adapters translate SDK/transport failures into these; entry points map them to
 * exit codes, HTTP statuses or retries by class, never by message text.
 */
export class PressbridgeError extends Error {
  override readonly name: string = "PressbridgeError";
}

/** Input (config, CLI flags, event detail) failed validation; `field` names the offending path. */
export class ValidationError extends PressbridgeError {
  override readonly name = "ValidationError";
  readonly field: string;
  constructor(field: string, message: string, options?: ErrorOptions) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}

/** A feed could not be fetched (network, HTTP status, size/time limits, SSRF refusal). */
export class FeedFetchError extends PressbridgeError {
  override readonly name = "FeedFetchError";
  readonly kind: FeedFetchErrorKind;
  readonly httpStatus: number | undefined;
  /** Seconds the server asked us to wait (Retry-After), when it said so. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    kind: FeedFetchErrorKind,
    message: string,
    options?: ErrorOptions & { httpStatus?: number; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.kind = kind;
    this.httpStatus = options?.httpStatus;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export type FeedFetchErrorKind =
  | "blocked" // SSRF guard: scheme or resolved address not allowed
  | "dns"
  | "network"
  | "timeout"
  | "too-large"
  | "http-status"
  | "redirects" // too many redirects, a loop, or a redirect without Location
  | "decode";

/** A feed body was fetched but is not a feed we can read. */
export class FeedParseError extends PressbridgeError {
  override readonly name = "FeedParseError";
}

/** A dependency (store, bus) failed in a way worth retrying later. */
export class TransientError extends PressbridgeError {
  override readonly name = "TransientError";
}

/** Publishing events failed for some entries even after retries. */
export class EventPublishError extends PressbridgeError {
  override readonly name = "EventPublishError";
  readonly failed: ReadonlyArray<{ id: string; errorCode?: string; errorMessage?: string }>;
  constructor(
    message: string,
    failed: ReadonlyArray<{ id: string; errorCode?: string; errorMessage?: string }>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.failed = failed;
  }
}

/** Email could not be sent. `retryable` says whether trying again later may work (throttling, 5xx). */
export class MailError extends PressbridgeError {
  override readonly name = "MailError";
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.retryable = retryable;
  }
}
