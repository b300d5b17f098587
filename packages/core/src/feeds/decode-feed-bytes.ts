import { FeedParseError } from "../errors.ts";

/**
 * Bytes -> text for a feed body. Precedence: byte-order mark, then the HTTP `charset`, then the
 * XML declaration's `encoding`, then UTF-8 when the bytes are valid UTF-8, else windows-1252
 * (which is what browsers do with undeclared ISO-8859-1/latin-1 bytes).
 */

export type EncodingSource = "bom" | "http" | "xml-declaration" | "utf-8-valid" | "fallback";

export interface DecodedFeed {
  text: string;
  /** WHATWG encoding name actually used, e.g. "utf-8", "gbk", "windows-1251". */
  encoding: string;
  source: EncodingSource;
}

type Decoder = InstanceType<typeof TextDecoder>;

const decoders = new Map<string, Decoder>();

function decoderFor(label: string, fatal: boolean): Decoder | undefined {
  const key = `${fatal ? "F" : "-"}${label.toLowerCase()}`;
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal });
    } catch {
      return undefined; // unknown or unsupported label
    }
    // WHATWG maps a few obsolete labels (iso-2022-kr, hz-gb-2312, ...) to "replacement", which
    // turns any input into a single U+FFFD: treat them as unknown.
    if (decoder.encoding === "replacement") return undefined;
    if (decoders.size > 64) decoders.clear();
    decoders.set(key, decoder);
  }
  return decoder;
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

  // 4. UTF-8 when valid, 5. else windows-1252.
  try {
    return { text: decoderFor("utf-8", true)!.decode(bytes), encoding: "utf-8", source: "utf-8-valid" };
  } catch {
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
