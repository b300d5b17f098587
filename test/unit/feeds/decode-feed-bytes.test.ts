import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FeedParseError } from "../../../packages/core/src/errors.ts";
import { decodeFeedBytes } from "../../../packages/core/src/feeds/index.ts";
import { charsetFromContentType } from "../../../packages/core/src/feeds/decode-feed-bytes.ts";
import { fixtureBytes, utf8 } from "./fixtures.ts";

function bytes(...parts: Array<string | number[]>): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === "string") out.push(...utf8(part));
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

function utf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const out: number[] = bom ? (littleEndian ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (littleEndian) out.push(c & 0xff, c >> 8);
    else out.push(c >> 8, c & 0xff);
  }
  return Uint8Array.from(out);
}

/** "Привет" in windows-1251. */
const PRIVET_1251 = [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2];

describe("decodeFeedBytes: precedence BOM > HTTP charset > XML declaration > valid UTF-8 > windows-1252", () => {
  it("honours a UTF-8 BOM over everything and strips it", () => {
    const decoded = decodeFeedBytes(bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0" encoding="windows-1251"?><rss>é</rss>'), "text/xml; charset=iso-8859-1");
    expect(decoded).toMatchObject({ encoding: "utf-8", source: "bom" });
    expect(decoded.text.startsWith("<?xml")).toBe(true);
    expect(decoded.text).toContain("<rss>é</rss>");
  });

  it("honours UTF-16 BOMs (both byte orders)", () => {
    const doc = '<?xml version="1.0" encoding="UTF-16"?><rss>Привет</rss>';
    expect(decodeFeedBytes(utf16(doc, true, true))).toMatchObject({ text: doc, encoding: "utf-16le", source: "bom" });
    expect(decodeFeedBytes(utf16(doc, false, true))).toMatchObject({ text: doc, encoding: "utf-16be", source: "bom" });
  });

  it("recognises UTF-16 without a BOM from the byte pattern of '<?'", () => {
    const doc = '<?xml version="1.0" encoding="UTF-16"?><rss>x</rss>';
    expect(decodeFeedBytes(utf16(doc, true, false))).toMatchObject({ text: doc, encoding: "utf-16le" });
    expect(decodeFeedBytes(utf16(doc, false, false))).toMatchObject({ text: doc, encoding: "utf-16be" });
  });

  it("prefers the HTTP charset over the XML declaration", () => {
    const body = bytes('<?xml version="1.0" encoding="utf-8"?><rss>', PRIVET_1251, "</rss>");
    const decoded = decodeFeedBytes(body, 'application/rss+xml; charset="windows-1251"');
    expect(decoded).toMatchObject({ encoding: "windows-1251", source: "http" });
    expect(decoded.text).toContain("<rss>Привет</rss>");
  });

  it("ignores an unknown HTTP charset and falls through to the declaration", () => {
    const body = bytes('<?xml version="1.0" encoding="windows-1251"?><rss>', PRIVET_1251, "</rss>");
    const decoded = decodeFeedBytes(body, "text/xml; charset=x-no-such-charset");
    expect(decoded).toMatchObject({ encoding: "windows-1251", source: "xml-declaration" });
    expect(decoded.text).toContain("Привет");
  });

  it("ignores labels that WHATWG maps to the replacement decoder", () => {
    const decoded = decodeFeedBytes(utf8('<?xml version="1.0" encoding="ISO-2022-KR"?><rss>ok</rss>'), "text/xml; charset=hz-gb-2312");
    expect(decoded).toMatchObject({ encoding: "utf-8", source: "utf-8-valid" });
    expect(decoded.text).toContain("<rss>ok</rss>");
  });

  it("ignores a UTF-16 label on ASCII-compatible bytes", () => {
    const decoded = decodeFeedBytes(utf8('<?xml version="1.0" encoding="UTF-16"?><rss>ok é</rss>'), "text/xml; charset=utf-16");
    expect(decoded).toMatchObject({ encoding: "utf-8", source: "utf-8-valid" });
    expect(decoded.text).toContain("ok é");
  });

  it("reads the XML declaration (single or double quotes, any case)", () => {
    const decoded = decodeFeedBytes(bytes("<?xml version='1.0' encoding='WINDOWS-1251'?><rss>", PRIVET_1251, "</rss>"));
    expect(decoded).toMatchObject({ encoding: "windows-1251", source: "xml-declaration" });
    expect(decoded.text).toContain("Привет");
  });

  it("does not take the encoding of a bogus <?phpxml ...?> line", () => {
    const decoded = decodeFeedBytes(utf8('<?phpxml version="1.0" encoding="windows-1251"?>\n<rss>Привет</rss>'));
    expect(decoded).toMatchObject({ encoding: "utf-8", source: "utf-8-valid" });
    expect(decoded.text).toContain("Привет");
  });

  it("uses UTF-8 when undeclared and valid, windows-1252 when not", () => {
    expect(decodeFeedBytes(utf8("<rss>naïve – “ok”</rss>"))).toMatchObject({ text: "<rss>naïve – “ok”</rss>", source: "utf-8-valid" });
    const latin1 = bytes("<rss>S", [0xe3], "o Paulo ", [0x93], "x", [0x94], "</rss>");
    expect(decodeFeedBytes(latin1)).toMatchObject({ text: "<rss>São Paulo “x”</rss>", encoding: "windows-1252", source: "fallback" });
  });

  it("decodes the real gb2312, windows-1251, ISO-8859-1 and undeclared latin-1 fixtures", () => {
    expect(decodeFeedBytes(fixtureBytes("kc0011-forum-gb2312-slash-dates.rss")).text).toContain("<title>建国35周年纪念，华表，和平鸽</title>");
    expect(decodeFeedBytes(fixtureBytes("oren-ru-windows1251-default-namespace.xml")).text).toContain("<title>ЧОПовцы в Оренбурге избили молодого человека</title>");
    expect(decodeFeedBytes(fixtureBytes("uol-noticias-latin1-no-declaration.rss"))).toMatchObject({ encoding: "windows-1252", source: "fallback" });
    expect(decodeFeedBytes(fixtureBytes("uol-noticias-latin1-no-declaration.rss")).text).toContain("<description>Últimas Notícias</description>");
    expect(decodeFeedBytes(fixtureBytes("dailymail-iso8859-media-content.xml"))).toMatchObject({ encoding: "windows-1252", source: "xml-declaration" });
    const bom = decodeFeedBytes(fixtureBytes("donthitsave-utf8-bom.xml"));
    expect(bom).toMatchObject({ source: "bom" });
    expect(bom.text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it("rejects an empty body", () => {
    expect(() => decodeFeedBytes(new Uint8Array(0))).toThrow(FeedParseError);
  });
});

describe("charsetFromContentType", () => {
  it.each([
    ["text/xml; charset=UTF-8", "UTF-8"],
    ['application/rss+xml;charset="windows-1251"', "windows-1251"],
    ["text/html; charset='gb2312'; foo=bar", "gb2312"],
    ["application/xml", undefined],
    [undefined, undefined],
    ["text/xml; charset=", undefined],
  ])("%j -> %j", (header, expected) => {
    expect(charsetFromContentType(header)).toBe(expected);
  });
});

/** test/fixtures/legacy-encodings: small feeds written in legacy encodings (see SOURCES.md there). */
function legacyBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(import.meta.dirname, "../../fixtures/legacy-encodings", file)));
}

const CHINESE_TRADITIONAL = ["台灣積體電路製造公司公布第三季財務報告", "營收較去年同期成長百分之二十", "董事會通過發放現金股利"];
const CHINESE_SIMPLIFIED = ["中国银行发布二零二六年第三季度业绩公告", "营业收入同比增长百分之十二", "董事会批准派发现金股息"];
const JAPANESE = ["株式会社トヨタ自動車が第三四半期決算を発表しました", "売上高は前年同期比で二十パーセント増加", "取締役会は配当を決議しました"];
const RUSSIAN = ["Газпром объявил финансовые результаты за третий квартал", "Выручка компании выросла на двадцать процентов", "Совет директоров рекомендовал выплатить дивиденды"];

describe("decodeFeedBytes: legacy encodings outside the WHATWG label list, and undeclared legacy bytes", () => {
  it.each([
    ["declared-windows_1251.xml", "windows1251", RUSSIAN],
    ["declared-koi8-u.xml", "koi8-u", RUSSIAN],
    ["declared-macroman.xml", "macroman", ["Café crème brûlée — “quoted” • bullet", "Zürich Straße"]],
    ["declared-cp437.xml", "cp437", ["Café ½ price ░▒▓ ñandú", "Ünïcode"]],
    ["declared-cp936.xml", "gbk", CHINESE_SIMPLIFIED],
    ["declared-cp950.xml", "big5", CHINESE_TRADITIONAL],
    ["declared-cp932.xml", "shift_jis", JAPANESE],
  ])("decodes %s", (file, encoding, titles) => {
    const decoded = decodeFeedBytes(legacyBytes(file));
    expect(decoded).toMatchObject({ encoding, source: "xml-declaration" });
    for (const title of titles) expect(decoded.text).toContain(`<title>${title}</title>`);
  });

  it("decodes a legacy HTTP charset label the same way", () => {
    const body = legacyBytes("declared-windows_1251.xml");
    const decoded = decodeFeedBytes(body, "application/rss+xml; charset=cp1251");
    expect(decoded).toMatchObject({ encoding: "windows-1251", source: "http" });
    expect(decoded.text).toContain(RUSSIAN[0]);
  });

  it.each([
    ["undeclared-big5.xml", "big5", CHINESE_TRADITIONAL],
    ["undeclared-shift_jis.xml", "shift_jis", JAPANESE],
    ["undeclared-koi8-r.xml", "koi8-r", RUSSIAN],
    ["undeclared-gb2312.xml", "gb18030", CHINESE_SIMPLIFIED],
  ])("detects the encoding of %s (invalid as UTF-8) and decodes it", (file, encoding, titles) => {
    const decoded = decodeFeedBytes(legacyBytes(file));
    expect(decoded).toMatchObject({ encoding, source: "detected" });
    for (const title of titles) expect(decoded.text).toContain(`<title>${title}</title>`);
  });

  it("keeps windows-1252 for undeclared Latin bytes", () => {
    const latin = decodeFeedBytes(legacyBytes("undeclared-latin1.xml"));
    expect(latin).toMatchObject({ encoding: "windows-1252", source: "fallback" });
    expect(latin.text).toContain("<title>São Paulo: ações sobem</title>");
  });
});
