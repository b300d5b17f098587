/**
 * The dry-run publisher: the default when a client has no credentials for a platform. It runs the
 * real adapter for the action against a recording transport (so dry-run and real requests cannot
 * drift), answers each request with a fabricated platform response carrying {placeholder} ids, and
 * keeps, per action, exactly what would be sent: method, full URL, headers, how it is authorised
 * (never the secret) and the body. Nothing leaves the process.
 *
 * Lookups (search by name, typeahead) are recorded too: they are what the adapter would send, and a
 * person pasting the requests sees where each {placeholder} comes from.
 *
 * Matched audiences: each dry run starts from an empty audience store of its own (the adapter's
 * default), so it shows the requests of a first publication (look up by name, create, every member
 * batch, the status read) and never marks members as synced in the real store. A member batch is
 * recorded with its count and first hash only (WireRequest.recordedBody); why an audience would not
 * be attached goes in the note.
 */
import type { Clock, DryRunRequest, PlatformCredentials, PublishAction, PublishOutcome, Publisher } from "@pressbridge/core";

export type { DryRunRequest } from "@pressbridge/core";
import { BLUESKY_CREDENTIALS, BLUESKY_DEFAULT_PDS, BlueskyPublisher, blueskyDryRunResponse } from "./bluesky-publisher.ts";
import { LINKEDIN_AD_CREDENTIALS, LINKEDIN_API_BASE, LINKEDIN_ORGANIC_CREDENTIALS, LinkedInPublisher, linkedInDryRunResponse } from "./linkedin-publisher.ts";
import { META_AD_CREDENTIALS, META_GRAPH_BASE, MetaPublisher, metaDryRunResponse } from "./meta-publisher.ts";
import { SECRET_CREDENTIAL, requestUrl, type Transport, type WireRequest, type WireResponse } from "./publisher-http.ts";
import { X_AD_CREDENTIALS, X_ADS_API_BASE, X_API_BASE, XPublisher, xDryRunResponse } from "./x-publisher.ts";

export interface DryRunRecord {
  key: string;
  kind: PublishAction["kind"];
  /** "x", "linkedin", "meta", "bluesky", or the channel with no adapter (instagram, threads). */
  platform: string;
  requests: DryRunRequest[];
  /** What the real adapter would have answered (with placeholder ids), or why nothing would be sent. */
  result: PublishOutcome | null;
  note: string | null;
}

export interface DryRunPublisherOptions {
  clock?: Clock;
  /**
   * Keep every record in `recorded` (default true, for inspection). A long-lived publisher (the
   * publish consumer's) sets false: each outcome carries its own record as `dryRun`, and a list kept
   * for the life of the process would only grow.
   */
  keepRecords?: boolean;
  linkedInVersion?: string;
  graphVersion?: string;
}

type Target = {
  platform: string;
  bases: Record<string, string>;
  respond: (request: WireRequest) => WireResponse;
  required: readonly string[];
  make: (transport: Transport) => Publisher;
};

/** Records requests instead of sending them. */
class RecordingTransport implements Transport {
  readonly requests: DryRunRequest[] = [];
  readonly #bases: Record<string, string>;
  readonly #respond: (request: WireRequest) => WireResponse;
  readonly #redact: (value: unknown) => unknown;

  constructor(bases: Record<string, string>, respond: (request: WireRequest) => WireResponse, redact: (value: unknown) => unknown) {
    this.#bases = bases;
    this.#respond = respond;
    this.#redact = redact;
  }

  async send(request: WireRequest): Promise<WireResponse> {
    const base = this.#bases[request.base ?? "default"] ?? "";
    const headers: Record<string, string> = { ...request.headers };
    if (request.body?.type === "json") headers["content-type"] = "application/json";
    if (request.body?.type === "form") headers["content-type"] = "application/x-www-form-urlencoded";
    if (request.auth?.scheme === "bearer" || request.auth?.scheme === "custom") headers.authorization = `<${request.auth.describe}>`;
    this.requests.push({
      label: request.label,
      method: request.method,
      url: requestUrl(base, request).toString(),
      headers,
      auth: request.auth?.describe ?? null,
      body: request.body === undefined ? null : this.#redact(structuredClone(request.recordedBody ?? request.body.value)),
      bodyEncoding: request.body?.type ?? null,
    });
    return this.#respond(request);
  }
}

export class DryRunPublisher implements Publisher {
  readonly platform = "dry-run" as const;
  /** Every action published so far, in order (unless `keepRecords` is false). */
  readonly recorded: DryRunRecord[] = [];
  readonly #options: DryRunPublisherOptions;

  constructor(options: DryRunPublisherOptions = {}) {
    this.#options = options;
  }

  async publish(action: PublishAction, credentials: PlatformCredentials): Promise<PublishOutcome> {
    const target = this.#target(action);
    const record: DryRunRecord = { key: action.key, kind: action.kind, platform: target?.platform ?? (action.kind === "organic-post" ? action.channel : action.platform), requests: [], result: null, note: null };
    if (this.#options.keepRecords !== false) this.recorded.push(record);
    if (target === null) {
      record.note = `Pressbridge has no API adapter for ${record.platform}; post this text by hand.`;
      return { status: "published", platformIds: { dryRun: action.key }, url: null, dryRun: { requests: [], note: record.note } };
    }
    // Missing credentials become {placeholders} so the recorded paths show what to fill in.
    const creds: Record<string, string> = { ...credentials };
    for (const key of target.required) if (!creds[key]) creds[key] = `{${key}}`;
    const secrets = Object.entries(creds).filter(([k, v]) => SECRET_CREDENTIAL.test(k) && !/^\{.*\}$/.test(v) && /(token|secret|password|jwt)/i.test(k));
    const redact = (value: unknown): unknown => redactDeep(value, secrets);
    const transport = new RecordingTransport(target.bases, target.respond, redact);
    const result = await target.make(transport).publish(action, creds);
    record.requests = transport.requests;
    record.result = result;
    if (result.status === "failed") record.note = `The real adapter would stop here: ${result.reason}`;
    else if (result.audience?.fallback != null) record.note = `Matched audience not attached: ${result.audience.fallback}.`;
    const audience = result.status === "published" && result.audience !== undefined ? { audience: result.audience } : {};
    return { status: "published", platformIds: { dryRun: action.key }, url: null, dryRun: { requests: record.requests, note: record.note }, ...audience };
  }

  #target(action: PublishAction): Target | null {
    const http = { clock: this.#options.clock ?? { now: () => new Date() }, sleep: async () => {} };
    const platform = action.kind === "organic-post" ? action.channel : action.platform;
    switch (platform) {
      case "x":
        return {
          platform: "x",
          bases: { default: X_API_BASE, ads: X_ADS_API_BASE },
          respond: xDryRunResponse,
          required: X_AD_CREDENTIALS,
          make: (transport) => new XPublisher({ ...http, transport }),
        };
      case "linkedin":
        return {
          platform: "linkedin",
          bases: { default: LINKEDIN_API_BASE },
          respond: linkedInDryRunResponse,
          required: [...new Set([...LINKEDIN_ORGANIC_CREDENTIALS, ...LINKEDIN_AD_CREDENTIALS])],
          make: (transport) => new LinkedInPublisher({ ...http, transport, ...(this.#options.linkedInVersion === undefined ? {} : { version: this.#options.linkedInVersion }) }),
        };
      case "facebook":
      case "meta":
        return {
          platform: "meta",
          bases: { default: META_GRAPH_BASE },
          respond: metaDryRunResponse,
          required: META_AD_CREDENTIALS,
          make: (transport) => new MetaPublisher({ ...http, transport, ...(this.#options.graphVersion === undefined ? {} : { graphVersion: this.#options.graphVersion }) }),
        };
      case "bluesky":
        return {
          platform: "bluesky",
          bases: { default: BLUESKY_DEFAULT_PDS },
          respond: blueskyDryRunResponse,
          required: BLUESKY_CREDENTIALS,
          make: (transport) => new BlueskyPublisher({ ...http, transport }),
        };
      default:
        return null;
    }
  }
}

/** Replaces every secret credential value inside strings with <credential name>. */
function redactDeep(value: unknown, secrets: Array<[string, string]>): unknown {
  if (typeof value === "string") {
    let out = value;
    for (const [key, secret] of secrets) if (secret.length > 0) out = out.split(secret).join(`<${key}>`);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
  }
  return value;
}
