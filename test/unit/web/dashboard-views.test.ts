import { describe, expect, it } from "vitest";
import { csvCell, timelineCsv } from "@pressbridge/web";
import { dayTicks, zonedMidnight } from "../../../packages/web/src/views/timeline-svg.ts";

describe("CSV export cells", () => {
  it("quotes per RFC 4180 and defuses spreadsheet formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    for (const f of ["=1+1", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x"]) expect(csvCell(f).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvCell("=HYPERLINK(\"x\",\"y\")")).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell(null)).toBe("");
    expect(csvCell(false)).toBe("false");
  });

  it("starts with a BOM and a header, ends lines with CRLF", () => {
    const csv = timelineCsv([], "UTC");
    expect(csv.startsWith("\uFEFFclient_id,plan_id,")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
  });
});

describe("timeline day ticks", () => {
  it("are local midnights, right across a DST change", () => {
    // New York leaves DST on Sunday 2026-11-01: midnight is 04:00Z that day and 05:00Z the next.
    expect(new Date(zonedMidnight(2026, 11, 1, "America/New_York")).toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(new Date(zonedMidnight(2026, 11, 2, "America/New_York")).toISOString()).toBe("2026-11-02T05:00:00.000Z");
    // Berlin enters DST on 2026-03-29.
    expect(new Date(zonedMidnight(2026, 3, 29, "Europe/Berlin")).toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(new Date(zonedMidnight(2026, 3, 30, "Europe/Berlin")).toISOString()).toBe("2026-03-29T22:00:00.000Z");
    const ticks = dayTicks(Date.parse("2026-10-30T12:00:00Z"), Date.parse("2026-11-03T12:00:00Z"), "America/New_York", 1);
    expect(ticks.map((t) => new Date(t).toISOString())).toEqual([
      "2026-10-31T04:00:00.000Z",
      "2026-11-01T04:00:00.000Z",
      "2026-11-02T05:00:00.000Z",
      "2026-11-03T05:00:00.000Z",
    ]);
  });
});
