import { html } from "hono/html";
import { localDate, type TimelineRow } from "@pressbridge/core";
import { formatInZone } from "./format.ts";

type Html = ReturnType<typeof html>;

/**
 * The releases of a client against their windows, as an SVG drawn on the server (no script): one row
 * per release, the window as a bar from detection to deadline (coloured by outcome), and markers for
 * detection (circle), approval (diamond), rejection (cross), publication (square) and the deadline
 * (tick). Day ticks are local midnights in the client's time zone, found per day so a DST change
 * moves them correctly; every position is computed from UTC instants.
 */
export const OUTCOME_COLOURS: Record<TimelineRow["outcome"], string> = {
  "in-time": "#2e8b57",
  late: "#e08a00",
  missed: "#c0392b",
  open: "#2f6fb5",
};

const WIDTH = 940;
const LABEL = 250;
const ROW = 26;
const TOP = 34;
const RIGHT = 16;

/** Milliseconds to add to UTC to get the wall-clock time in `timeZone` at `ms`. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of local midnight of a calendar date in `timeZone`. */
export function zonedMidnight(y: number, m: number, d: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return guess;
}

/** Local midnights between two instants, every `stepDays` days. */
export function dayTicks(fromMs: number, toMs: number, timeZone: string, stepDays: number): number[] {
  const out: number[] = [];
  let { y, m, d } = localDate(fromMs, timeZone);
  for (let i = 0; i < 400; i++) {
    const t = zonedMidnight(y, m, d, timeZone);
    if (t > toMs) break;
    if (t >= fromMs) out.push(t);
    const next = new Date(Date.UTC(y, m - 1, d + stepDays));
    ({ y, m, d } = { y: next.getUTCFullYear(), m: next.getUTCMonth() + 1, d: next.getUTCDate() });
  }
  return out;
}

const DAY_LABEL = new Map<string, Intl.DateTimeFormat>();
function dayLabel(ms: number, timeZone: string): string {
  let f = DAY_LABEL.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, month: "short", day: "numeric" });
    DAY_LABEL.set(timeZone, f);
  }
  return f.format(new Date(ms));
}

function short(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim() || "(untitled release)";
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export function timelineSvg(rows: readonly TimelineRow[], now: Date, timeZone: string): Html {
  if (rows.length === 0) return html`<p class="muted">No releases in this period.</p>`;
  const instants = rows.flatMap((r) => [r.detectedAt, r.deadline, r.approvedAt, r.rejectedAt, r.publishedAt].filter((x): x is string => x !== null).map(Date.parse));
  const from = Math.min(...instants);
  const to = Math.max(...instants, now.getTime());
  const span = Math.max(to - from, 3_600_000);
  const x = (ms: number) => (LABEL + ((ms - from) / span) * (WIDTH - LABEL - RIGHT)).toFixed(1);
  const height = TOP + rows.length * ROW + 30;
  const stepDays = Math.max(1, Math.ceil(span / 86_400_000 / 12));
  const ticks = dayTicks(from, to, timeZone, stepDays);
  const nowX = x(now.getTime());
  const when = (iso: string) => formatInZone(iso, timeZone);
  return html`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="timeline-title" id="timeline" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui,sans-serif" font-size="12">
<title id="timeline-title">Releases against their amplification windows (times in ${timeZone})</title>
<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>
${ticks.map(
  (t) => html`<line x1="${x(t)}" y1="${TOP - 6}" x2="${x(t)}" y2="${height - 24}" stroke="#e3e7ee"/><text x="${x(t)}" y="${TOP - 12}" text-anchor="middle" fill="#5b6475">${dayLabel(t, timeZone)}</text>`,
)}
${rows.map((r, i) => {
  const y = TOP + i * ROW + ROW / 2;
  const colour = OUTCOME_COLOURS[r.outcome];
  return html`<g class="release ${r.outcome}" data-plan="${r.planId}">
<title>${r.title} | detected ${when(r.detectedAt)} | ${r.approvedAt === null ? (r.rejectedAt === null ? "not approved" : `rejected ${when(r.rejectedAt)}`) : `approved ${when(r.approvedAt)}`} | ${r.publishedAt === null ? "not published" : `published ${when(r.publishedAt)}${r.dryRun ? " (dry run)" : ""}`} | deadline ${when(r.deadline)}</title>
<text x="${LABEL - 8}" y="${y + 4}" text-anchor="end" fill="#1d2330">${short(r.title, 34)}</text>
<rect x="${x(Date.parse(r.detectedAt))}" y="${y - 5}" width="${Math.max(1, Number(x(Date.parse(r.deadline))) - Number(x(Date.parse(r.detectedAt)))).toFixed(1)}" height="10" rx="3" fill="${colour}" fill-opacity="0.25" stroke="${colour}"/>
<circle class="detected" cx="${x(Date.parse(r.detectedAt))}" cy="${y}" r="4" fill="#1d2330"/>
${r.approvedAt === null ? "" : html`<path class="approved" d="M ${x(Date.parse(r.approvedAt))} ${y - 6} l 6 6 l -6 6 l -6 -6 z" fill="#1f7a3a"/>`}
${r.rejectedAt === null ? "" : html`<path class="rejected" d="M ${Number(x(Date.parse(r.rejectedAt))) - 5} ${y - 5} l 10 10 m 0 -10 l -10 10" stroke="#a3262f" stroke-width="2"/>`}
${r.publishedAt === null ? "" : html`<rect class="published" x="${Number(x(Date.parse(r.publishedAt))) - 5}" y="${y - 5}" width="10" height="10" fill="${r.dryRun ? "#ffffff" : "#12263a"}" stroke="#12263a" stroke-width="2"/>`}
<line class="deadline" x1="${x(Date.parse(r.deadline))}" y1="${y - 9}" x2="${x(Date.parse(r.deadline))}" y2="${y + 9}" stroke="${colour}" stroke-width="3"/>
</g>`;
})}
<line x1="${nowX}" y1="${TOP - 6}" x2="${nowX}" y2="${height - 24}" stroke="#12263a" stroke-dasharray="4 3"/>
<text x="${nowX}" y="${height - 10}" text-anchor="middle" fill="#12263a">now</text>
</svg>
<p class="muted legend">● detection · ◆ approval · ✕ rejection · ■ publication (□ dry run) · | deadline · bar colour: <span style="color:${OUTCOME_COLOURS["in-time"]}">amplified in time</span>, <span style="color:${OUTCOME_COLOURS.late}">late</span>, <span style="color:${OUTCOME_COLOURS.missed}">missed</span>, <span style="color:${OUTCOME_COLOURS.open}">window open</span>. Times in ${timeZone}.</p>`;
}
