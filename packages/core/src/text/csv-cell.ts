import { multiLine } from "./fit-text.ts";

/**
 * One CSV field of an export (the dashboard's timeline, a media list) from text people and feeds
 * wrote. Control, bidi and invisible characters go by the rule every text follows (multiLine); line
 * breaks are kept (as LF) and quoted. A value starting with = + - @ (or a tab or line break) is
 * prefixed with ' so a spreadsheet shows it as text instead of running it as a formula.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = multiLine(String(value));
  if (/^[=+\-@\t\r\n]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
