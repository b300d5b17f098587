import { describe, expect, it } from "vitest";
import { extractTickers } from "../../../packages/core/src/feeds/index.ts";
import { cashtagsFromDateline, normaliseStockCategory, tickersFromText } from "../../../packages/core/src/feeds/extract-tickers.ts";

describe("tickersFromText", () => {
  it.each([
    ["Magnachip Semiconductor Corporation (NYSE: MX) today announced", ["NYSE:MX"]],
    ["Acme (Nasdaq: ABCD) said", ["NASDAQ:ABCD"]],
    ["Cryoport, Inc. (NASDAQ:CYRX)", ["NASDAQ:CYRX"]],
    ["Junior Co (TSX-V: XX) reports", ["TSX-V:XX"]],
    ["Galderma (SIX: GALD), the pure-play", ["SIX:GALD"]],
    ["Magnachip Semiconductor Corporation (NYSE: MX, “Magnachip”) today", ["NYSE:MX"]],
    ["Discovery Mining Ltd. (TSX: DSV, OTCQX: DSVSF) (“Discovery”)", ["TSX:DSV", "OTCQX:DSVSF"]],
    ["Pan Global (TSXV: PGZ; OTCQB: PGZFF; FRA: 2EU) is pleased", ["TSX-V:PGZ", "OTCQB:PGZFF", "FRA:2EU"]],
    ["Peapack-Gladstone (NASDAQ Global Select Market: PGC) and", ["NASDAQ:PGC"]],
    ["Berkshire (NYSE: BRK.B) and Tencent (HKEX: 0700)", ["NYSE:BRK.B", "HKEX:0700"]],
    ["Shares (NYSE American: ABC) rose", ["NYSE AMERICAN:ABC"]],
  ])("%s", (text, expected) => {
    expect(tickersFromText(text)).toEqual(expected);
  });

  it.each([
    "The CEO (CEO) of the company in the (USA)",
    "Papa John's International, Inc. (PZZA) Shareholders",
    "Cryoport (CYRX) Stock Fair Value Rises",
    "Schwab plans to trade on TXSE (TXSE) and NYSE (NYSE)",
    "The meeting (NYSE: 10:30 a.m.) starts", // a time, not a symbol
    "Listed (Nasdaq: the company said)", // prose, lower-case
    "ISIN (ISIN: US7046991078) and CUSIP",
    "no parentheses NYSE: MX here",
    "Gordon Brothers Closes Inaugural $265M Asset-Backed Securitization",
  ])("finds nothing in %j", (text) => {
    expect(tickersFromText(text)).toEqual([]);
  });
});

describe("cashtagsFromDateline", () => {
  it("reads Business Wire dateline cashtags and ignores hashtags", () => {
    expect(cashtagsFromDateline("SEOUL, South Korea--(BUSINESS WIRE)---- $MX #MOSFET--Magnachip Semiconductor")).toEqual(["MX"]);
    expect(cashtagsFromDateline("LOS ANGELES--(BUSINESS WIRE)---- $NAGE $XYZ #Biotech--Niagen")).toEqual(["NAGE", "XYZ"]);
  });

  it("ignores dollar amounts and anything outside the dateline block", () => {
    expect(cashtagsFromDateline("WILMINGTON, Del.--(BUSINESS WIRE)--AstraZeneca raised $265M from $ABC investors")).toEqual([]);
    expect(cashtagsFromDateline("No dateline here $MX")).toEqual([]);
  });
});

describe("normaliseStockCategory", () => {
  it("keeps Exchange:SYMBOL as given with normalised spacing", () => {
    expect(normaliseStockCategory("Nasdaq:PGC")).toBe("Nasdaq:PGC");
    expect(normaliseStockCategory("  Other   OTC : DSVSF ")).toBe("Other OTC:DSVSF");
    expect(normaliseStockCategory("Stockholm:OATLY_001")).toBe("Stockholm:OATLY_001");
    expect(normaliseStockCategory("ABC")).toBe("ABC");
  });

  it("rejects empty or malformed values", () => {
    expect(normaliseStockCategory("")).toBeUndefined();
    expect(normaliseStockCategory("Nasdaq:")).toBeUndefined();
    expect(normaliseStockCategory("Nasdaq:A B")).toBeUndefined();
  });
});

describe("extractTickers", () => {
  it("puts category tickers first and does not repeat their symbols from the text", () => {
    expect(
      extractTickers({
        stockCategories: ["Nasdaq:PGC"],
        title: "Peapack Private Appoints Ana Parra",
        summary: "BEDMINSTER -- Peapack-Gladstone Financial Corporation (NASDAQ Global Select Market: PGC) and",
      }),
    ).toEqual(["Nasdaq:PGC"]);
    expect(
      extractTickers({
        stockCategories: ["TSX-V:PGZ", "Frankfurt:2EU", "OTC Markets:PGZFF"],
        title: "",
        summary: "Pan Global Resources Inc. (TSXV: PGZ; OTCQB: PGZFF; FRA: 2EU) is pleased",
      }),
    ).toEqual(["TSX-V:PGZ", "Frankfurt:2EU", "OTC Markets:PGZFF"]);
  });

  it("merges a dateline cashtag into the exchange-qualified mention", () => {
    expect(
      extractTickers({
        stockCategories: [],
        title: "Magnachip Launches 15 New Gen6 E6 Super-Junction MOSFETs",
        summary: "SEOUL--(BUSINESS WIRE)---- $MX #MOSFET--Magnachip Semiconductor Corporation (NYSE: MX, “Magnachip”) today",
      }),
    ).toEqual(["NYSE:MX"]);
    expect(extractTickers({ stockCategories: [], title: "", summary: "CITY--(BUSINESS WIRE)---- $ABC--Acme today" })).toEqual(["ABC"]);
  });

  it("de-duplicates case-insensitively and caps the list", () => {
    expect(extractTickers({ stockCategories: ["Nasdaq:ABC", "NASDAQ:abc", "Nasdaq:ABC"], title: "", summary: "" })).toEqual(["Nasdaq:ABC"]);
    const many = Array.from({ length: 80 }, (_, i) => `Oslo:S${i}`);
    expect(extractTickers({ stockCategories: many, title: "", summary: "" })).toHaveLength(50);
  });
});
