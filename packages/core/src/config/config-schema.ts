import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { MAX_AD_LOCATIONS, defaultAdLocations, isCountryCode } from "./ad-locations.ts";
import { DisclosureSettings } from "../scheduling/disclosure.ts";

export { FALLBACK_AD_COUNTRY, MAX_AD_LOCATIONS, countryOfTimeZone, defaultAdLocations, isCountryCode } from "./ad-locations.ts";

/**
 * pressbridge.config.json: clients, feeds and security settings. Parsed once at start-up; an invalid
 * file is rejected with the path of the first bad field (e.g. `feeds[2].url`).
 */
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit");

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Every social channel Pressbridge drafts for; a client that names none gets them all. */
export const CHANNELS = ["x", "linkedin", "facebook", "instagram", "bluesky", "threads"] as const;
/** Every ad platform Pressbridge briefs; a client that names none gets them all. */
export const AD_PLATFORMS = ["linkedin", "meta", "x"] as const;

const countryCode = z.string().refine(isCountryCode, "must be an ISO 3166-1 alpha-2 country code in upper case, such as US or DE");

/** In order of first mention, each code once. */
function withoutRepeats<T>(list: T[]): T[] {
  return [...new Set(list)];
}

export const ClientConfig = z
  .strictObject({
    id,
    name: z.string().min(1).max(200),
    windowHours: z.number().positive().max(24 * 30).default(72),
    timezone: z.string().refine(isTimeZone, "must be an IANA time zone such as America/New_York").default("UTC"),
    owner: z.email({ error: "must be an email address" }),
    approvers: z.array(z.email({ error: "must be an email address" })).min(1, "needs at least one approver"),
    channels: z.array(z.enum(CHANNELS)).default(() => [...CHANNELS]),
    adPlatforms: z.array(z.enum(AD_PLATFORMS)).default(() => [...AD_PLATFORMS]),
    trendHashtags: z.array(z.string().regex(/^#[\p{L}\p{N}_]+$/u, "must be a hashtag like #AI")).default([]),
    keywords: z.array(z.string().min(1).max(100)).default([]),
    /** CSV of journalists (header row with an `email` column), relative to the config file. */
    mediaList: z.string().min(1).optional(),
    supportingAsset: z.strictObject({ title: z.string().min(1).max(200), url: httpUrl }).optional(),
    adDefaults: z
      .strictObject({
        dailyBudget: z.number().positive(),
        currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD"),
        flightDays: z.number().int().positive().max(90),
        /** Countries every ad brief targets; omitted, the client's time zone's country (defaultAdLocations). */
        locations: z.array(countryCode).min(1).max(MAX_AD_LOCATIONS).transform(withoutRepeats).optional(),
      })
      .default({ dailyBudget: 50, currency: "USD", flightDays: 5 }),
    /**
     * When nothing may be published for the client (docs/scheduling.md): its ticker (market-close
     * blackout by default), blackouts, quiet hours, and whether a release must be on a wire first.
     * Omitted: no blackouts, wire required.
     */
    disclosure: DisclosureSettings.optional(),
  })
  // After the fields, so an omitted adDefaults (its whole-object default) gets locations too.
  .transform((client) => ({
    ...client,
    adDefaults: { ...client.adDefaults, locations: client.adDefaults.locations ?? defaultAdLocations(client.timezone) },
  }));
export type ClientConfig = z.infer<typeof ClientConfig>;

export const FeedConfig = z.strictObject({
  id,
  url: httpUrl,
  /** Bound to one client; omit for a shared wire matched to clients by keywords. */
  clientId: id.optional(),
  /** Display name of the wire; derived from the host when omitted. */
  wire: z.string().min(1).max(100).optional(),
  /** Seconds between polls. 60 s and up in AWS; down to 5 s locally (see MIN_INTERVAL_SECONDS). */
  intervalSeconds: z.number().int().min(5).max(86_400).default(60),
  /** On the first poll, announce items published within this many hours instead of only baselining. */
  backfillHours: z.number().min(0).max(24 * 14).optional(),
  enabled: z.boolean().default(true),
  /**
   * The audit reports the feed as silent (an outage, not a quiet day) after this many hours without a
   * new item; defaults to audit.feedSilentHours. Set it high for a newsroom that publishes monthly.
   */
  silentAfterHours: z.number().positive().max(24 * 90).optional(),
});
export type FeedConfig = z.infer<typeof FeedConfig>;

/** The audit's thresholds (docs/audit.md). Every field has a default; the section may be omitted. */
export const AUDIT_DEFAULTS = {
  atRiskHours: 12,
  staleHours: 24,
  lookbackHours: 168,
  feedSilentHours: 48,
  feedFailingMinutes: 60,
  planningGraceMinutes: 15,
  publishGraceMinutes: 30,
} as const;

export const AuditSettings = z.strictObject({
  /** A window closing within this many hours with the plan pending (or publishing failed) is at risk. */
  atRiskHours: z.number().positive().max(24 * 30).default(AUDIT_DEFAULTS.atRiskHours),
  /** An approval pending for longer than this is stale. */
  staleHours: z.number().positive().max(24 * 30).default(AUDIT_DEFAULTS.staleHours),
  /** How long a missed window stays in the reports after its deadline. */
  lookbackHours: z.number().positive().max(24 * 90).default(AUDIT_DEFAULTS.lookbackHours),
  /** A feed without a new item for this long is silent (per-feed override: feeds[].silentAfterHours). */
  feedSilentHours: z.number().positive().max(24 * 90).default(AUDIT_DEFAULTS.feedSilentHours),
  /** A feed failing with no success for this long is reported. */
  feedFailingMinutes: z.number().positive().max(24 * 60).default(AUDIT_DEFAULTS.feedFailingMinutes),
  /** A detected release not planned after this long means the planning step failed. */
  planningGraceMinutes: z.number().positive().max(24 * 60).default(AUDIT_DEFAULTS.planningGraceMinutes),
  /** An approved plan not published after this long means the publishing step failed. */
  publishGraceMinutes: z.number().positive().max(24 * 60).default(AUDIT_DEFAULTS.publishGraceMinutes),
});
export type AuditSettings = z.infer<typeof AuditSettings>;

export const PressbridgeConfig = z
  .strictObject({
    $schema: z.string().optional(),
    clients: z.array(ClientConfig).default([]),
    feeds: z.array(FeedConfig).default([]),
    audit: AuditSettings.default({ ...AUDIT_DEFAULTS }),
    security: z
      .strictObject({
        /** Lets feeds live on private/loopback addresses. For local demos and tests only. */
        allowPrivateFeedHosts: z.boolean().default(false),
      })
      .default({ allowPrivateFeedHosts: false }),
  })
  .superRefine((cfg, ctx) => {
    const clientIds = new Set<string>();
    cfg.clients.forEach((c, i) => {
      if (clientIds.has(c.id)) ctx.addIssue({ code: "custom", path: ["clients", i, "id"], message: `duplicate client id "${c.id}"` });
      clientIds.add(c.id);
    });
    const feedIds = new Set<string>();
    cfg.feeds.forEach((f, i) => {
      if (feedIds.has(f.id)) ctx.addIssue({ code: "custom", path: ["feeds", i, "id"], message: `duplicate feed id "${f.id}"` });
      feedIds.add(f.id);
      if (f.clientId !== undefined && !clientIds.has(f.clientId)) {
        ctx.addIssue({ code: "custom", path: ["feeds", i, "clientId"], message: `unknown client "${f.clientId}"` });
      }
    });
  });
export type PressbridgeConfig = z.infer<typeof PressbridgeConfig>;

/** Formats a zod path the way a person writes it: `feeds[2].url`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Validates a parsed JSON value as a config; throws ValidationError naming the first bad field. */
export function parseConfig(input: unknown): PressbridgeConfig {
  const result = PressbridgeConfig.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ValidationError(formatPath(issue.path), issue.message, { cause: result.error });
  }
  return result.data;
}
