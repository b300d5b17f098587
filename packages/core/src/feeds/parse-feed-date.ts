/**
 * Lenient, deterministic date parsing for feed timestamps (RFC 822/2822 and its common
 * mutilations, ISO 8601, slash dates). Never consults the local time zone and never returns an
 * Invalid Date: anything it cannot read with confidence is `undefined`.
 */

export interface FeedDate {
  /** ISO-8601 UTC timestamp (`toISOString()` form). For a date-only value: that day at 00:00 UTC. */
  iso: string;
  /** "date" when the source gave a day without a time of day. */
  precision: "datetime" | "date";
}

const MAX_INPUT_LENGTH = 200;

/** Month names and abbreviations (en, pt, es, fr, de, it, nl), lower-case, accents kept and stripped. */
const MONTHS: ReadonlyMap<string, number> = buildMonthMap();

function buildMonthMap(): Map<string, number> {
  const names: string[][] = [
    ["jan", "january", "janeiro", "enero", "ene", "janvier", "janv", "januar", "jän", "jänner", "gennaio", "gen", "januari"],
    ["feb", "february", "fev", "fevereiro", "fév", "févr", "février", "fevr", "fevrier", "febrero", "februar", "febbraio", "februari"],
    ["mar", "march", "março", "marco", "marzo", "mars", "märz", "marz", "mrz", "mär", "maart", "mrt"],
    ["apr", "april", "abr", "abril", "avr", "avril", "aprile"],
    ["may", "mai", "maio", "mayo", "maggio", "mag", "mei"],
    ["jun", "june", "junho", "junio", "juin", "juni", "giugno", "giu"],
    ["jul", "july", "julho", "julio", "juil", "juillet", "juli", "luglio", "lug"],
    ["aug", "august", "ago", "agosto", "août", "aout", "aoû", "aou"],
    ["sep", "sept", "september", "set", "setembro", "septiembre", "septembre", "settembre", "sett"],
    ["oct", "october", "out", "outubro", "octubre", "octobre", "okt", "oktober", "ott", "ottobre"],
    ["nov", "november", "novembro", "noviembre", "novembre"],
    ["dec", "december", "dez", "dezembro", "dic", "diciembre", "déc", "décembre", "decembre", "dezember", "dicembre"],
  ];
  const map = new Map<string, number>();
  names.forEach((list, index) => {
    for (const name of list) map.set(name, index + 1);
  });
  return map;
}

/** Time-zone abbreviations in minutes east of UTC. Ambiguous ones (IST, CST-as-China, ...) are read the US/common way. */
const ZONES: ReadonlyMap<string, number> = new Map<string, number>([
  ["z", 0], ["ut", 0], ["utc", 0], ["gmt", 0], ["wet", 0],
  ["est", -300], ["edt", -240], ["cst", -360], ["cdt", -300], ["mst", -420], ["mdt", -360],
  ["pst", -480], ["pdt", -420], ["akst", -540], ["akdt", -480], ["hst", -600], ["ast", -240], ["adt", -180],
  ["nst", -210], ["ndt", -150],
  ["bst", 60], ["ist", 60], ["cet", 60], ["cest", 120], ["met", 60], ["mest", 120], ["west", 60],
  ["eet", 120], ["eest", 180], ["msk", 180], ["sast", 120],
  ["hkt", 480], ["sgt", 480], ["awst", 480], ["jst", 540], ["kst", 540],
  ["acst", 570], ["acdt", 630], ["aest", 600], ["aedt", 660], ["nzst", 720], ["nzdt", 780],
]);

/**
 * US zone names without the S/D letter ("ET", "PT", ...): the wall time is read in that zone with
 * the daylight-saving rule in force on that date, as the publisher's clock showed it.
 */
const US_GENERIC_ZONES: ReadonlyMap<string, string> = new Map([
  ["et", "America/New_York"],
  ["ct", "America/Chicago"],
  ["mt", "America/Denver"],
  ["pt", "America/Los_Angeles"],
  ["at", "America/Halifax"],
  ["akt", "America/Anchorage"],
]);

/** An abbreviation, a numeric offset, or an IANA zone name such as `Etc/GMT` or `America/New_York`. */
const ZONE_PATTERN =
  "(?:[A-Za-z]{1,5}|(?:GMT|UTC|UT)?\\s*[+-]\\d{1,2}(?::?\\d{2})?|[A-Za-z]{2,14}(?:/[A-Za-z0-9_+-]{1,30}){1,2})";
const TIME_PATTERN = "(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?\\s*(?:([AaPp])\\.?[Mm]\\.?(?![A-Za-z]))?";

/** `Mon, 5 Oct 2026 18:28:00 +0000`, `Seg, 24 Set 2018 19:42:40 -0300`, `05-Oct-2026`, `Tue, 15 Sep 2026`. */
const RFC822_RE = new RegExp(
  `^(?:[^\\d\\s,.]+\\.?,?\\s*)?(\\d{1,2})(?:st|nd|rd|th)?[\\s-]+([^\\d\\s,.-]+)\\.?,?[\\s-]+(\\d{2,4})` +
    `(?:,?\\s+(?:at\\s+)?${TIME_PATTERN})?\\s*(${ZONE_PATTERN})?\\s*(?:\\([^)]*\\))?$`,
);

/** `October 5, 2026`, `Mon Oct 05 2026 18:15:00 GMT+0000`. */
const MONTH_FIRST_RE = new RegExp(
  `^(?:[^\\d\\s,.]+\\.?,?\\s+)?([^\\d\\s,.-]+)\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})` +
    `(?:,?\\s+(?:at\\s+)?${TIME_PATTERN})?\\s*(${ZONE_PATTERN})?\\s*(?:\\([^)]*\\))?$`,
);

const CANONICAL_RFC822_RE =
  /^[A-Za-z]{3}, (\d{1,2}) ([A-Za-z]{3}) (\d{4}|\d{2}) (\d{2}):(\d{2})(?::(\d{2}))? ?([+-]\d{4}|GMT|UTC?|Z)?$/;

/** `2019-08-27`, `2017-11-08T18:15:58-05:00`, `2026-10-05 18:15:00Z`, `20261005T181500Z` is not accepted. */
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt\s]+(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** `Sun Jan  4 16:29:06 2004` (C asctime, UTC) and `Sun Jul 15 01:16:00 +0000 2012` (Twitter). */
const ASCTIME_RE = new RegExp(
  `^(?:[^\\d\\s,.]+\\.?,?\\s+)?([^\\d\\s,.-]+)\\.?\\s+(\\d{1,2})\\s+${TIME_PATTERN}\\s+(?:(${ZONE_PATTERN})\\s+)?(\\d{4})$`,
);

/** Reduced W3CDTF: `2003-12` (the first of that month, date precision). */
const YEAR_MONTH_RE = /^(\d{4})-(\d{2})$/;

/** `2020/1/10 14:33:00` (no zone: UTC), `Fri, 2006/09/15 08:19:53 EDT`. */
const SLASH_RE = new RegExp(`^(?:[^\\d\\s,.]+\\.?,?\\s+)?(\\d{4})[/.](\\d{1,2})[/.](\\d{1,2})(?:[\\sT]+${TIME_PATTERN})?\\s*(${ZONE_PATTERN})?$`);

/**
 * Parses a feed date. Returns `undefined` for absent, empty or unreadable values.
 *
 * Two-digit years follow RFC 2822 §4.3: 00–49 are 2000–2049, 50–99 are 1950–1999. Values without a
 * zone are taken as UTC. Unknown alphabetic zones are taken as UTC as well.
 */
export function parseFeedDate(value: string | undefined | null): FeedDate | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "" || text.length > MAX_INPUT_LENGTH) return undefined;

  // Fast path: the canonical RFC 822 shape most feeds use ("Mon, 05 Oct 2026 18:15:00 +0000").
  let m = CANONICAL_RFC822_RE.exec(text);
  if (m) {
    const month = MONTHS.get(m[2]!.toLowerCase());
    const offset = m[7] === undefined ? 0 : numericOffset(m[7]);
    if (month !== undefined && offset !== undefined) {
      return build(fullYear(m[3]), month, num(m[1]), m[4], m[5], m[6], undefined, undefined, undefined, offset);
    }
  }

  m = ISO_RE.exec(text);
  if (m) {
    return build(num(m[1]), num(m[2]), num(m[3]), m[4], m[5], m[6], m[7], undefined, m[8]);
  }
  m = RFC822_RE.exec(text);
  if (m) {
    const month = monthNumber(m[2]);
    if (month === undefined) return undefined;
    return build(fullYear(m[3]), month, num(m[1]), m[4], m[5], m[6], m[7], m[8], m[9]);
  }
  m = SLASH_RE.exec(text);
  if (m) {
    return build(num(m[1]), num(m[2]), num(m[3]), m[4], m[5], m[6], m[7], m[8], m[9]);
  }
  m = MONTH_FIRST_RE.exec(text);
  if (m) {
    const month = monthNumber(m[1]);
    if (month === undefined) return undefined;
    return build(num(m[3]), month, num(m[2]), m[4], m[5], m[6], m[7], m[8], m[9]);
  }
  m = ASCTIME_RE.exec(text);
  if (m) {
    const month = monthNumber(m[1]);
    if (month === undefined) return undefined;
    return build(num(m[9]), month, num(m[2]), m[3], m[4], m[5], m[6], m[7], m[8]);
  }
  m = YEAR_MONTH_RE.exec(text);
  if (m) return build(num(m[1]), num(m[2]), 1, undefined, undefined, undefined, undefined, undefined, undefined);
  return undefined;
}

function num(s: string | undefined): number {
  if (s === undefined || s === "") return Number.NaN;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/** "+0530"/"-0400" or GMT/UT/UTC/Z, in minutes east of UTC. */
function numericOffset(zone: string): number | undefined {
  const sign = zone.charCodeAt(0);
  if (sign !== 0x2b && sign !== 0x2d) return 0; // GMT, UT, UTC, Z
  const hours = num(zone.slice(1, 3));
  const minutes = num(zone.slice(3, 5));
  if (hours > 14 || minutes > 59) return undefined;
  return sign === 0x2d ? -(hours * 60 + minutes) : hours * 60 + minutes;
}

function fullYear(s: string | undefined): number {
  const year = num(s);
  if (s === undefined) return Number.NaN;
  if (s.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  if (s.length === 3) return 1900 + year; // RFC 2822 §4.3 obsolete three-digit years
  return year;
}

function monthNumber(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  const t = token.toLowerCase();
  return MONTHS.get(t) ?? MONTHS.get(t.slice(0, 4)) ?? MONTHS.get(t.slice(0, 3));
}

/**
 * Minutes east of UTC of `zone` for a wall-clock time (`wallMs`: that time read as if it were UTC).
 * Region zones (IANA names, the US generic abbreviations) depend on the date, so on `wallMs`.
 */
function zoneOffsetMinutes(zone: string | undefined, wallMs: number): number | undefined {
  if (zone === undefined || zone === "") return 0;
  const z = zone.replace(/\s+/g, "").toLowerCase();
  const named = ZONES.get(z);
  if (named !== undefined) return named;
  const region = US_GENERIC_ZONES.get(z) ?? (z.indexOf("/") === -1 ? undefined : zone.trim());
  if (region !== undefined) return regionOffsetMinutes(region, wallMs);
  const m = /^(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(z);
  if (m) {
    const hours = num(m[2]);
    const minutes = m[3] === undefined ? 0 : num(m[3]);
    if (hours > 14 || minutes > 59) return undefined;
    const total = hours * 60 + minutes;
    return m[1] === "-" ? -total : total;
  }
  // RFC 822 military zones and unknown abbreviations: RFC 2822 says treat as -0000 (UTC).
  if (/^[a-z]{1,5}$/.test(z)) return 0;
  return undefined;
}

function build(
  year: number,
  month: number,
  day: number,
  hourS: string | undefined,
  minuteS: string | undefined,
  secondS: string | undefined,
  fractionS: string | undefined,
  meridiem: string | undefined,
  zone: string | undefined,
  knownOffset?: number,
): FeedDate | undefined {
  if (!Number.isFinite(year) || year < 1000 || year > 9999) return undefined;
  if (!(month >= 1 && month <= 12) || !(day >= 1 && day <= 31)) return undefined;
  if (hourS === undefined) {
    // Date only. A zone on a bare date carries no usable information.
    if (day > daysInMonth(year, month)) return undefined; // 31 Feb and friends
    return { iso: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T00:00:00.000Z`, precision: "date" };
  }
  let hour = num(hourS);
  const minute = num(minuteS);
  let second = secondS === undefined ? 0 : num(secondS);
  const millis = fractionS === undefined ? 0 : Math.floor(Number(`0.${fractionS}`) * 1000);
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    const pm = meridiem.toLowerCase() === "p";
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 24 || minute > 59 || second > 60) return undefined;
  if (hour === 24 && (minute !== 0 || second !== 0)) return undefined;
  if (second === 60) second = 59; // leap second
  if (day > daysInMonth(year, month)) return undefined;
  const wallMs = Date.UTC(year, month - 1, day) + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  const offset = knownOffset ?? zoneOffsetMinutes(zone, wallMs);
  if (offset === undefined) return undefined;
  const ms = wallMs - offset * 60_000;
  const iso = isoString(ms);
  return iso === undefined ? undefined : { iso, precision: "datetime" };
}

/** One formatter per region zone (creating one costs far more than using it); undefined = unknown zone. */
const zoneFormatters = new Map<string, Intl.DateTimeFormat | undefined>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  if (zoneFormatters.has(timeZone)) return zoneFormatters.get(timeZone);
  let formatter: Intl.DateTimeFormat | undefined;
  try {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset", year: "numeric" });
  } catch {
    formatter = undefined; // not a zone this runtime knows
  }
  if (zoneFormatters.size > 64) zoneFormatters.clear();
  zoneFormatters.set(timeZone, formatter);
  return formatter;
}

const LONG_OFFSET_RE = /GMT(?:([+-])(\d{2}):?(\d{2})?)?$/;

/** Offset of `timeZone` at the instant `ms`, from the runtime's time-zone data. */
function offsetAtInstant(formatter: Intl.DateTimeFormat, ms: number): number | undefined {
  const name = formatter.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "";
  const m = LONG_OFFSET_RE.exec(name);
  if (!m) return undefined;
  if (m[1] === undefined) return 0;
  const total = num(m[2]) * 60 + (m[3] === undefined ? 0 : num(m[3]));
  return m[1] === "-" ? -total : total;
}

/**
 * Offset of a region zone for a wall-clock time. Two or three lookups settle it: the offset at the
 * instant the wall time would be with the previous guess. A time in the autumn overlap is read as
 * its first occurrence (daylight time); one in the spring-forward gap gets the daylight offset.
 */
function regionOffsetMinutes(timeZone: string, wallMs: number): number | undefined {
  const formatter = formatterFor(timeZone);
  if (formatter === undefined || !Number.isFinite(wallMs)) return undefined;
  const first = offsetAtInstant(formatter, wallMs);
  if (first === undefined) return undefined;
  const second = offsetAtInstant(formatter, wallMs - first * 60_000);
  if (second === undefined || second === first) return first;
  const third = offsetAtInstant(formatter, wallMs - second * 60_000);
  return third === second ? second : Math.max(first, second);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : "0000".slice(0, width - s.length) + s;
}

const MS_PER_DAY = 86_400_000;

/**
 * `Date.prototype.toISOString` for years 1000–9999, without allocating a Date (it is the hot
 * path of feed normalisation). Civil-from-days after H. Hinnant.
 */
function isoString(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const millis = rest - second * 1000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1000 || year > 9999) return undefined;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(millis, 3)}Z`;
}
