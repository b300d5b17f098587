import { PLATFORM_NAMES, formatZonedTime } from "@pressbridge/core";

/** Formats an ISO time in a client's time zone, e.g. "Tue, Nov 24, 2026, 10:00 AM EST" (as in the emails). */
export function formatInZone(iso: string, timeZone: string): string {
  return formatZonedTime(Date.parse(iso), timeZone);
}

/** "in 31 h", "in 45 min", "4 h ago", or "less than a minute ago" (a 5 s feed's last poll is not "1 min ago"). */
export function relativeTo(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  const abs = Math.abs(ms);
  if (abs < 60_000) return ms >= 0 ? "in less than a minute" : "less than a minute ago";
  const text = abs >= 3600_000 ? `${Math.round(abs / 3600_000)} h` : `${Math.max(1, Math.round(abs / 60_000))} min`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** Display names by channel or platform id (ids come from stored plans, so index by string). */
export const CHANNEL_NAMES: Readonly<Record<string, string>> = PLATFORM_NAMES;
