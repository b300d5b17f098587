/** One reported figure: a measured value beside its target from docs/design.md. */
export interface Figure {
  id: string;
  label: string;
  value: number;
  unit: string;
  target: number;
  met: boolean;
}

export type Comparison = ">=" | "<=" | "<" | "==";

/** A figure plus how its target reads (for the table; JSON carries `met`). */
export interface ReportedFigure extends Figure {
  comparison: Comparison;
}

export function figure(
  id: string,
  label: string,
  value: number,
  unit: string,
  comparison: Comparison,
  target: number,
): ReportedFigure {
  const met =
    comparison === ">=" ? value >= target : comparison === "<=" ? value <= target : comparison === "<" ? value < target : value === target;
  return { id, label, value, unit, target, met, comparison };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100): the smallest value with at least p% of values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1]!;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function formatValue(value: number, unit: string): string {
  const digits = unit === "ratio" ? 2 : Number.isInteger(value) ? 0 : value < 100 ? 2 : 0;
  const text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit === "ratio" ? `${text}x` : `${text} ${unit}`;
}

/** The human-readable table printed on stdout without --json. */
export function formatTable(figures: readonly ReportedFigure[]): string {
  const rows = figures.map((f) => [
    f.label,
    formatValue(f.value, f.unit),
    `${f.comparison} ${formatValue(f.target, f.unit)}`,
    f.met ? "met" : "NOT MET",
  ]);
  const header = ["figure", "value", "target", "result"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
