import { analyse } from "chardet";
import sbcsCodecs from "iconv-lite/encodings/sbcs-codec.js";
import sbcsData from "iconv-lite/encodings/sbcs-data.js";
import sbcsGenerated from "iconv-lite/encodings/sbcs-data-generated.js";
import { FeedParseError } from "../errors.ts";

/**
 * Bytes -> text for a feed body. Precedence: byte-order mark, then the HTTP `charset`, then the
 * XML declaration's `encoding`, then UTF-8 when the bytes are valid UTF-8, then the encoding a
 * charset detector (chardet) recognises, else windows-1252 (which is what browsers do with
 * undeclared ISO-8859-1/latin-1 bytes).
 *
 * Labels: the WHATWG encodings are decoded by the runtime's TextDecoder (native, and it knows every
 * multi-byte encoding feeds use); labels outside the WHATWG list (windows_1251, macroman, cp437,
 * cp850, ...) by iconv-lite's single-byte codecs, and the Microsoft code-page names of the
 * multi-byte encodings (cp932, cp936, cp949, cp950) by their WHATWG equivalents. Only iconv-lite's
 * single-byte tables are loaded: its multi-byte tables would add ~400 KB to every bundle for
 * encodings TextDecoder already has.
 */

export type EncodingSource = "bom" | "http" | "xml-declaration" | "utf-8-valid" | "detected" | "fallback";

export interface DecodedFeed {
  text: string;
  /**
   * Encoding actually used: the WHATWG name (e.g. "utf-8", "gbk", "windows-1251") or, for an
   * encoding outside the WHATWG list, iconv-lite's canonical name (e.g. "cp437", "macroman").
   */
  encoding: string;
  source: EncodingSource;
}

interface Decoder {
  readonly encoding: string;
  decode(bytes: Uint8Array): string;
}

const decoders = new Map<string, Decoder | null>();

/** iconv-lite's label canonicalisation: lower case, only letters and digits, no ":1987" year. */
function canonicalLabel(label: string): string {
  return label.toLowerCase().replace(/:\d{4}$|[^0-9a-z]/g, "");
}

/** Code-page names of the multi-byte encodings that the WHATWG list lacks -> the WHATWG encoding. */
const MULTI_BYTE_ALIASES: ReadonlyMap<string, string> = new Map([
  ["cp932", "shift_jis"], ["932", "shift_jis"], ["windows932", "shift_jis"], ["shiftjis", "shift_jis"], ["mskanji", "shift_jis"],
  ["cp936", "gbk"], ["936", "gbk"], ["windows936", "gbk"], ["ms936", "gbk"], ["euccn", "gbk"], ["gb2312", "gbk"],
  ["cp949", "euc-kr"], ["949", "euc-kr"], ["uhc", "euc-kr"], ["ms949", "euc-kr"], ["euckr", "euc-kr"], ["ksc5601", "euc-kr"],
  ["cp950", "big5"], ["950", "big5"], ["windows950", "big5"], ["ms950", "big5"], ["big5hkscs", "big5"],
  ["eucjp", "euc-jp"], ["iso2022jp", "iso-2022-jp"], ["gb18030", "gb18030"],
]);

type SbcsEntry = string | number | { type: string; chars: string };

/** iconv-lite's single-byte decoder for `canonical` (following its aliases), if it has one. */
function sbcsDecoder(canonical: string): Decoder | undefined {
  let name = canonical;
  for (let hops = 0; hops < 8; hops++) {
    const entry: SbcsEntry | undefined = Object.hasOwn(sbcsGenerated, name)
      ? sbcsGenerated[name]
      : Object.hasOwn(sbcsData, name)
        ? sbcsData[name]
        : undefined;
    if (entry === undefined) return undefined;
    if (typeof entry === "object") {
      if (entry.type !== "_sbcs") return undefined;
      const codec = new sbcsCodecs._sbcs({ type: entry.type, chars: entry.chars }, { defaultCharSingleByte: "?" });
      const decoder = new codec.decoder(undefined, codec);
      return { encoding: name, decode: (bytes) => decoder.write(bytes) };
    }
    name = String(entry);
  }
  return undefined;
}

function textDecoder(label: string, fatal: boolean): Decoder | undefined {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label, { fatal });
  } catch {
    return undefined; // not a WHATWG label
  }
  // WHATWG maps a few obsolete labels (iso-2022-kr, hz-gb-2312, ...) to "replacement", which
  // turns any input into a single U+FFFD: treat them as unknown.
  return decoder.encoding === "replacement" ? undefined : decoder;
}

function decoderFor(label: string, fatal: boolean): Decoder | undefined {
  const key = `${fatal ? "F" : "-"}${label.toLowerCase()}`;
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    const canonical = canonicalLabel(label);
    const multiByte = MULTI_BYTE_ALIASES.get(canonical);
    decoder =
      textDecoder(label, fatal) ??
      (multiByte === undefined ? undefined : textDecoder(multiByte, fatal)) ??
      (fatal || canonical === "" ? undefined : sbcsDecoder(canonical)) ??
      null;
    if (decoders.size > 64) decoders.clear();
    decoders.set(key, decoder);
  }
  return decoder ?? undefined;
}

/** Bytes the detector looks at: enough for a confident answer, bounded for huge bodies. */
const DETECTION_SAMPLE_BYTES = 256 * 1024;
/** chardet confidence (0-100) below which its answer is not taken. */
const MIN_DETECTION_CONFIDENCE = 20;
/**
 * Answers of the detector that are taken. The Latin single-byte ones (ISO-8859-1/2/9/15,
 * windows-1250/1252/1254/1257) are not: on short text they are guesses between near-identical
 * tables, and windows-1252 (the fallback) is right far more often.
 */
const DETECTED_ENCODINGS: ReadonlySet<string> = new Set([
  "Shift_JIS", "EUC-JP", "ISO-2022-JP", "Big5", "EUC-KR", "GB18030", "KOI8-R", "windows-1251", "ISO-8859-5",
  "windows-1253", "ISO-8859-7", "windows-1255", "ISO-8859-8", "windows-1256", "ISO-8859-6",
]);

/**
 * The character data of the first bytes, markup dropped (tags become one space; CDATA content is
 * kept). The detector's single-byte models score letter sequences, and ASCII markup dilutes them
 * so much that short Cyrillic text scores below Latin-1 otherwise.
 */
function textSample(bytes: Uint8Array): Uint8Array {
  const end = Math.min(bytes.length, DETECTION_SAMPLE_BYTES);
  const out = new Uint8Array(end);
  let n = 0;
  let inTag = false;
  for (let i = 0; i < end; i++) {
    const c = bytes[i]!;
    if (inTag) {
      if (c === 0x3e /* > */) inTag = false;
    } else if (c === 0x3c /* < */) {
      // "<![CDATA[": its content is text.
      if (bytes[i + 1] === 0x21 && bytes[i + 2] === 0x5b && bytes[i + 8] === 0x5b) i += 8;
      else inTag = true;
      if (n > 0 && out[n - 1] !== 0x20) out[n++] = 0x20;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

function detectedDecoder(bytes: Uint8Array): Decoder | undefined {
  const best = analyse(textSample(bytes))[0];
  if (best === undefined || best.confidence < MIN_DETECTION_CONFIDENCE || !DETECTED_ENCODINGS.has(best.name)) return undefined;
  return decoderFor(best.name, false);
}

const CHARSET_RE = /;\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;,]+))/i;
const XML_DECL_RE = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(?:"\s*([^"]*?)\s*"|'\s*([^']*?)\s*')/;

/** The charset parameter of a Content-Type header, if any. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = CHARSET_RE.exec(contentType);
  const label = (m?.[1] ?? m?.[2] ?? m?.[3])?.trim();
  return label ? label : undefined;
}

function isUtf16(encoding: string): boolean {
  return encoding === "utf-16le" || encoding === "utf-16be";
}

function decodeWith(bytes: Uint8Array, label: string, source: EncodingSource): DecodedFeed | undefined {
  const decoder = decoderFor(label, false);
  if (decoder === undefined) return undefined;
  return { text: decoder.decode(bytes), encoding: decoder.encoding, source };
}

/**
 * Decodes a feed body. Throws FeedParseError for an empty body. Never throws for undecodable bytes:
 * they become U+FFFD or windows-1252 characters.
 */
export function decodeFeedBytes(bytes: Uint8Array, contentType?: string): DecodedFeed {
  if (bytes.length === 0) throw new FeedParseError("empty document: the feed body has no bytes");

  // 1. Byte-order mark (the decoders strip it).
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return decodeWith(bytes, "utf-8", "bom")!;
  if (b0 === 0xff && b1 === 0xfe) return decodeWith(bytes, "utf-16le", "bom")!;
  if (b0 === 0xfe && b1 === 0xff) return decodeWith(bytes, "utf-16be", "bom")!;

  // UTF-16 without a BOM shows itself by the NUL bytes around "<" (XML 1.0 Appendix F).
  const utf16Sniffed =
    b0 === 0x3c && b1 === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00
      ? "utf-16le"
      : b0 === 0x00 && b1 === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f
        ? "utf-16be"
        : undefined;

  // 2. HTTP charset. A UTF-16 label on bytes that are plainly ASCII-compatible is ignored.
  const httpLabel = charsetFromContentType(contentType);
  if (httpLabel !== undefined) {
    const decoder = decoderFor(httpLabel, false);
    if (decoder !== undefined && (!isUtf16(decoder.encoding) || utf16Sniffed !== undefined)) {
      return { text: decoder.decode(bytes), encoding: decoder.encoding, source: "http" };
    }
  }

  if (utf16Sniffed !== undefined) return decodeWith(bytes, utf16Sniffed, "xml-declaration")!;

  // 3. XML declaration, read as ASCII from the first bytes.
  const head = asciiHead(bytes, 512);
  const decl = XML_DECL_RE.exec(head);
  const declLabel = decl?.[1] ?? decl?.[2];
  if (declLabel) {
    const decoder = decoderFor(declLabel, false);
    if (decoder !== undefined && !isUtf16(decoder.encoding)) {
      return { text: decoder.decode(bytes), encoding: decoder.encoding, source: "xml-declaration" };
    }
  }

  // 4. UTF-8 when valid, 5. else what the detector recognises, 6. else windows-1252.
  try {
    return { text: decoderFor("utf-8", true)!.decode(bytes), encoding: "utf-8", source: "utf-8-valid" };
  } catch {
    const detected = detectedDecoder(bytes);
    if (detected !== undefined) return { text: detected.decode(bytes), encoding: detected.encoding, source: "detected" };
    return decodeWith(bytes, "windows-1252", "fallback")!;
  }
}

/**
 * The XML declaration as text when the body starts with one (after optional whitespace), else "".
 * Only ASCII matters there, so the bytes are read as single-byte characters.
 */
function asciiHead(bytes: Uint8Array, max: number): string {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  // "<?xml"
  if (bytes[i] !== 0x3c || bytes[i + 1] !== 0x3f || bytes[i + 2] !== 0x78 || bytes[i + 3] !== 0x6d || bytes[i + 4] !== 0x6c) {
    return "";
  }
  const end = bytes.indexOf(0x3e /* > */, i);
  const stop = end === -1 ? Math.min(bytes.length, max) : Math.min(end + 1, max);
  return String.fromCharCode.apply(null, bytes.subarray(0, stop) as unknown as number[]);
}
