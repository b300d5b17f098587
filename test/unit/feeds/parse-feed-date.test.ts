import { describe, expect, it } from "vitest";
import { parseFeedDate } from "../../../packages/core/src/feeds/index.ts";

function iso(value: string | undefined | null): string | undefined {
  return parseFeedDate(value)?.iso;
}

describe("parseFeedDate: RFC 822 / 2822", () => {
  it.each([
    ["Mon, 05 Oct 2026 18:15:00 +0000", "2026-10-05T18:15:00.000Z"],
    ["Mon, 5 Oct 2026 18:28:00 +0000", "2026-10-05T18:28:00.000Z"], // single-digit day
    ["Mon, 5 Oct 2026 16:01:00 UT", "2026-10-05T16:01:00.000Z"],
    ["Sat, 12 Sep 2026 09:36:47 GMT", "2026-09-12T09:36:47.000Z"],
    ["Mon, 05 Oct 2026 18:15 GMT", "2026-10-05T18:15:00.000Z"], // no seconds
    ["Tue, 29 Sep 2026 09:00:00 -0400", "2026-09-29T13:00:00.000Z"],
    ["Wed, 22 Jan 2014 20:31:31 +0600", "2014-01-22T14:31:31.000Z"],
    ["Mon, 06 Sep 2021 12:17:00 +0200", "2021-09-06T10:17:00.000Z"],
    ["Thu, 01 Jan 2026 00:30:00 +0530", "2025-12-31T19:00:00.000Z"],
    ["Mon, 05 Oct 2026 18:15:00 EST", "2026-10-05T23:15:00.000Z"],
    ["Mon, 05 Oct 2026 18:15:00 EDT", "2026-10-05T22:15:00.000Z"],
    ["Mon, 05 Oct 2026 18:15:00 PDT", "2026-10-06T01:15:00.000Z"],
    ["Mon, 05 Oct 2026 18:15:00 CET", "2026-10-05T17:15:00.000Z"],
    ["Mon, 05 Oct 2026 18:15:00 Z", "2026-10-05T18:15:00.000Z"],
    ["Mon, 05 Oct 2026 18:15:00 UTC", "2026-10-05T18:15:00.000Z"],
    ["Mon, 05 Oct 2026 18:15:00 GMT+0200", "2026-10-05T16:15:00.000Z"],
    ["Mon, 05 Oct 2026 18:15:00 +02:00", "2026-10-05T16:15:00.000Z"],
    ["05 Oct 2026 18:15:00 +0000", "2026-10-05T18:15:00.000Z"], // no day name
    ["Monday, 05 October 2026 18:15:00 GMT", "2026-10-05T18:15:00.000Z"], // long names
    ["  Mon,  05   Oct 2026 18:15:00   GMT  ", "2026-10-05T18:15:00.000Z"], // stray whitespace
    ["Mon, 05 Oct 2026 18:15:00", "2026-10-05T18:15:00.000Z"], // no zone: UTC
    ["Mon, 05 Oct 2026 5:00 PM EDT", "2026-10-05T21:00:00.000Z"],
  ])("%s -> %s", (input, expected) => {
    expect(parseFeedDate(input)).toEqual({ iso: expected, precision: "datetime" });
  });

  it("reads two-digit years with the RFC 2822 rule (00-49 -> 20xx, 50-99 -> 19xx)", () => {
    expect(iso("Tue, 08 Sep 26 02:03:00 -0400")).toBe("2026-09-08T06:03:00.000Z");
    expect(iso("Tue, 11 Aug 26 02:36:00 -0400")).toBe("2026-08-11T06:36:00.000Z");
    expect(iso("Sat, 01 Jan 00 00:00:00 GMT")).toBe("2000-01-01T00:00:00.000Z");
    expect(iso("Fri, 31 Dec 49 23:59:59 GMT")).toBe("2049-12-31T23:59:59.000Z");
    expect(iso("Sat, 01 Jan 50 00:00:00 GMT")).toBe("1950-01-01T00:00:00.000Z");
    expect(iso("Fri, 31 Dec 99 12:00:00 GMT")).toBe("1999-12-31T12:00:00.000Z");
  });

  it("reads Portuguese and other common day/month names", () => {
    expect(iso("Seg, 24 Set 2018 19:42:40 -0300")).toBe("2018-09-24T22:42:40.000Z");
    expect(iso("Ter, 02 Out 2018 10:00:00 -0300")).toBe("2018-10-02T13:00:00.000Z");
    expect(iso("Sex, 07 Dez 2018 08:00:00 -0200")).toBe("2018-12-07T10:00:00.000Z");
    expect(iso("Qua, 01 Fev 2017 12:00:00 -0200")).toBe("2017-02-01T14:00:00.000Z");
    expect(iso("Sáb, 05 Mai 2018 12:00:00 +0000")).toBe("2018-05-05T12:00:00.000Z");
    expect(iso("lun., 05 oct. 2026 18:15:00 +0200")).toBe("2026-10-05T16:15:00.000Z"); // French
    expect(iso("Mo, 05 Okt 2026 18:15:00 +0200")).toBe("2026-10-05T16:15:00.000Z"); // German
    expect(iso("mar, 15 dic 2026 08:00:00 +0100")).toBe("2026-12-15T07:00:00.000Z"); // Spanish/Italian
    expect(iso("05 août 2026 10:00:00 +0200")).toBe("2026-08-05T08:00:00.000Z");
  });

  it("gives date precision (00:00 UTC) for a day without a time", () => {
    expect(parseFeedDate("Tue, 15 Sep 2026")).toEqual({ iso: "2026-09-15T00:00:00.000Z", precision: "date" });
    expect(parseFeedDate("Mon, 08 Dec 2025")).toEqual({ iso: "2025-12-08T00:00:00.000Z", precision: "date" });
    expect(parseFeedDate("15 Sep 2026")).toEqual({ iso: "2026-09-15T00:00:00.000Z", precision: "date" });
    expect(parseFeedDate("October 5, 2026")).toEqual({ iso: "2026-10-05T00:00:00.000Z", precision: "date" });
  });
});

describe("parseFeedDate: ISO 8601 and other shapes", () => {
  it.each([
    ["2017-11-08T18:15:58-05:00", "2017-11-08T23:15:58.000Z"],
    ["2017-11-08T23:15:58Z", "2017-11-08T23:15:58.000Z"],
    ["2026-10-05T18:15:00.123+02:00", "2026-10-05T16:15:00.123Z"],
    ["2026-10-05T18:15:00.123456Z", "2026-10-05T18:15:00.123Z"],
    ["2026-10-05T18:15Z", "2026-10-05T18:15:00.000Z"],
    ["2026-10-05 18:15:00", "2026-10-05T18:15:00.000Z"], // no zone: UTC
    ["2026-10-05T18:15:00+0530", "2026-10-05T12:45:00.000Z"],
    ["2020/1/10 14:33:00", "2020-01-10T14:33:00.000Z"], // slash date, no zone: UTC
    ["2020/01/10 14:33", "2020-01-10T14:33:00.000Z"],
    ["Mon Oct 05 2026 18:15:00 GMT+0000 (Coordinated Universal Time)", "2026-10-05T18:15:00.000Z"],
  ])("%s -> %s", (input, expected) => {
    expect(parseFeedDate(input)).toEqual({ iso: expected, precision: "datetime" });
  });

  it("gives date precision for ISO and slash date-only values", () => {
    expect(parseFeedDate("2019-08-27")).toEqual({ iso: "2019-08-27T00:00:00.000Z", precision: "date" });
    expect(parseFeedDate("2020/1/10")).toEqual({ iso: "2020-01-10T00:00:00.000Z", precision: "date" });
  });

  it("crosses day, month and year boundaries through the offset", () => {
    expect(iso("2026-01-01T01:00:00+02:00")).toBe("2025-12-31T23:00:00.000Z");
    expect(iso("Sat, 28 Feb 2026 23:30:00 -0100")).toBe("2026-03-01T00:30:00.000Z");
    expect(iso("Thu, 29 Feb 2024 12:00:00 GMT")).toBe("2024-02-29T12:00:00.000Z"); // leap day
  });
});

describe("parseFeedDate: unusable values", () => {
  it.each([
    [undefined],
    [null],
    [""],
    ["   "],
    ["not a date"],
    ["yesterday"],
    ["Mon, 32 Oct 2026 18:15:00 GMT"], // day out of range
    ["Fri, 29 Feb 2026 12:00:00 GMT"], // not a leap year
    ["Mon, 05 Foo 2026 18:15:00 GMT"], // unknown month
    ["Mon, 05 Oct 2026 25:15:00 GMT"], // hour out of range
    ["Mon, 05 Oct 2026 18:61:00 GMT"], // minute out of range
    ["2026-13-01"], // month out of range
    ["2026-02-30T00:00:00Z"],
    ["2026-10-05T18:15:00+25:00"], // offset out of range
    ["0000-01-01T00:00:00Z"], // outside 1000-9999
    ["Mon, 05 Oct 12345 18:15:00 GMT"],
    ["1570000000"],
    ["x".repeat(10_000)],
  ])("%j -> undefined", (input) => {
    expect(parseFeedDate(input as string | undefined | null)).toBeUndefined();
  });

  it("never returns an Invalid Date for any of a batch of junk strings", () => {
    const junk = ["-", "::", "2026-", "Mon,", "05 Oct", "Oct 2026", "2026-10-05T", "T18:15", "2026-10-05T18", "99/99/9999", "\u0000\u0001"];
    for (const value of junk) {
      const result = parseFeedDate(value);
      if (result !== undefined) expect(new Date(result.iso).toISOString()).toBe(result.iso);
    }
  });
});

describe("parseFeedDate: shapes and zones feedparser and gofeed read", () => {
  it.each([
    // US zone names without S/D: that zone's wall time, with the DST rule of the date.
    ["Mon, 26 Jan 2004 16:31:00 ET", "2004-01-26T21:31:00.000Z"],
    ["Mon, 26 Jul 2004 16:31:00 ET", "2004-07-26T20:31:00.000Z"],
    ["Mon, 26 Jan 2004 16:31:00 CT", "2004-01-26T22:31:00.000Z"],
    ["Mon, 26 Jul 2004 16:31:00 CT", "2004-07-26T21:31:00.000Z"],
    ["Mon, 26 Jan 2004 16:31:00 MT", "2004-01-26T23:31:00.000Z"],
    ["Mon, 26 Jul 2004 16:31:00 MT", "2004-07-26T22:31:00.000Z"],
    ["Mon, 26 Jan 2004 16:31:00 PT", "2004-01-27T00:31:00.000Z"],
    ["Mon, 05 Oct 2026 18:15:00 PT", "2026-10-06T01:15:00.000Z"],
    ["Mon, 26 Jan 2004 16:31:00 AT", "2004-01-26T20:31:00.000Z"],
    ["Mon, 26 Jul 2004 16:31:00 AT", "2004-07-26T19:31:00.000Z"],
    // US DST boundaries of 2007 on: second Sunday of March, first Sunday of November.
    ["Sat, 07 Mar 2026 12:00:00 ET", "2026-03-07T17:00:00.000Z"],
    ["Mon, 09 Mar 2026 12:00:00 ET", "2026-03-09T16:00:00.000Z"],
    ["Sun, 01 Nov 2026 01:30:00 ET", "2026-11-01T05:30:00.000Z"], // the overlap: first occurrence
    ["Mon, 05 Oct 2026 18:15:00 EST", "2026-10-05T23:15:00.000Z"], // explicit S/D still wins
    ["Mon, 05 Oct 2026 18:15:00 PDT", "2026-10-06T01:15:00.000Z"],
    // C asctime (no zone: UTC) and the Twitter shape (zone before the year).
    ["Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06.000Z"],
    ["Sun Jul 15 01:16:00 +0000 2012", "2012-07-15T01:16:00.000Z"],
    ["Sun Jul 15 01:16:00 -0500 2012", "2012-07-15T06:16:00.000Z"],
    // IANA zone names; Etc/GMT+5 is POSIX-signed: five hours behind UTC.
    ["Mon, 26 Jan 2004 16:31:00 Etc/GMT", "2004-01-26T16:31:00.000Z"],
    ["Mon, 26 Jan 2004 16:31:00 Etc/GMT+5", "2004-01-26T21:31:00.000Z"],
    ["Mon, 26 Jul 2004 16:31:00 America/New_York", "2004-07-26T20:31:00.000Z"],
    // Slash dates with a day name.
    ["Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53.000Z"],
  ])("%s -> %s", (input, expected) => {
    expect(parseFeedDate(input)).toEqual({ iso: expected, precision: "datetime" });
  });

  it("reads reduced W3CDTF year-month as the first of the month, date precision", () => {
    expect(parseFeedDate("2003-12")).toEqual({ iso: "2003-12-01T00:00:00.000Z", precision: "date" });
    expect(parseFeedDate("2003-13")).toBeUndefined();
  });

  it("gives no date for an IANA-looking zone the runtime does not know", () => {
    expect(parseFeedDate("Mon, 26 Jan 2004 16:31:00 Foo/Bar")).toBeUndefined();
  });
});
