/**
 * Ticker extraction, kept conservative: only explicit exchange-qualified mentions count.
 *
 * - GlobeNewswire stock categories: `<category domain=".../rss/stock">Nasdaq:ABC</category>`,
 *   kept as "Exchange:SYMBOL" as the wire wrote it (spacing normalised).
 * - Free text: `(NYSE: MX)`, `(Nasdaq: ABCD)`, `(TSX-V: XX)`, `(TSX: DSV, OTCQX: DSVSF)`,
 *   `(NYSE: MX, "Magnachip")`. Bare parentheses such as `(PZZA)`, `(CEO)`, `(USA)` never count.
 * - Business Wire cashtags in the dateline: `CITY--(BUSINESS WIRE)---- $MX #MOSFET--`.
 *
 * ISINs are never tickers. Results are "EXCHANGE:SYMBOL" or, for cashtags, "SYMBOL"; a symbol
 * already known from an earlier source is not repeated under another exchange spelling.
 */

export const MAX_TICKERS = 50;

const EXCHANGES = [
  "NYSE\\s*American",
  "NYSE\\s*Arca",
  "NYSE\\s*MKT",
  "NYSE\\s*Texas",
  "NYSE",
  "Nasdaq(?:\\s+(?:Global\\s+Select|Global|Capital)(?:\\s+Market)?|\\s+(?:Stockholm|Helsinki|Copenhagen|Iceland|Riga|Tallinn|Vilnius)|\\s+First\\s+North(?:\\s+Growth\\s+Market)?|GS|GM|CM)?",
  "AMEX",
  "TSX\\s*-\\s*V",
  "TSX\\s+Venture(?:\\s+Exchange)?",
  "TSXV",
  "TSX",
  "CSE",
  "CBOE(?:\\s+Canada)?",
  "NEO",
  "ASX",
  "LSE",
  "AIM",
  "SIX",
  "OTCQX",
  "OTCQB",
  "OTC\\s+Pink",
  "OTC\\s+Markets",
  "OTC",
  "Euronext(?:\\s+Growth)?(?:\\s+(?:Paris|Brussels|Amsterdam|Lisbon|Dublin|Oslo|Milan))?",
  "FRA",
  "Frankfurt",
  "FSE",
  "XETRA",
  "HKEX",
  "HKSE",
  "SEHK",
  "SGX",
  "TASE",
  "JSE",
  "NZX",
  "Oslo",
  "OSE",
  "TSE",
  "TYO",
  "KRX",
  "KOSDAQ",
  "KOSPI",
  "BSE",
  "NSE",
  "B3",
  "BMV",
  "TXSE",
  "BIT",
  "WSE",
  "TWSE",
].join("|");

const SYMBOL = "[A-Za-z0-9][A-Za-z0-9.\\-]{0,11}";
const PAIR = `(?:${EXCHANGES})\\s*:\\s*${SYMBOL}(?![A-Za-z0-9:])`;
/** An opening parenthesis followed by one or more exchange:symbol pairs. */
const PAREN_LIST_RE = new RegExp(`\\(\\s*(${PAIR}(?:\\s*[,;/|]\\s*(?:and\\s+)?${PAIR})*)`, "gi");
const PAIR_RE = new RegExp(`(${EXCHANGES})\\s*:\\s*(${SYMBOL})(?![A-Za-z0-9:])`, "gi");
const SYMBOL_OK_RE = /^[A-Z0-9](?:[A-Z0-9.\-]*[A-Z0-9])?$/;
const HAS_LETTER_RE = /[A-Z]/;
/** Markets whose symbols are numeric codes. */
const NUMERIC_MARKETS: ReadonlySet<string> = new Set(["HKEX", "HKSE", "SEHK", "TSE", "TYO", "KRX", "KOSDAQ", "KOSPI", "BSE", "TWSE", "SGX"]);

const BUSINESS_WIRE_RE = /\(BUSINESS\s?WIRE\)/i;
const CASHTAG_RE = /(?:^|\s)\$([A-Z][A-Z0-9]{0,5}(?:\.[A-Z]{1,2})?)(?=\s|$)/g;

const CATEGORY_SYMBOL_RE = /^[\p{L}\p{N}][\p{L}\p{N}._\-/^=+]{0,23}$/u;
const SPACES_RE = /\s+/g;

/** Normalises a GlobeNewswire stock category ("Other OTC : DSVSF" -> "Other OTC:DSVSF"). */
export function normaliseStockCategory(value: string): string | undefined {
  const text = value.trim();
  if (text === "") return undefined;
  const colon = text.lastIndexOf(":");
  const exchange = colon === -1 ? "" : text.slice(0, colon).replace(SPACES_RE, " ").trim();
  const symbol = (colon === -1 ? text : text.slice(colon + 1)).replace(SPACES_RE, "");
  if (!CATEGORY_SYMBOL_RE.test(symbol) || exchange.length > 40) return undefined;
  return exchange === "" ? symbol : `${exchange}:${symbol}`;
}

function normaliseExchange(raw: string): string {
  const e = raw.replace(SPACES_RE, " ").trim().toUpperCase();
  if (e.startsWith("NASDAQ ")) {
    if (/^NASDAQ (GLOBAL SELECT|GLOBAL|CAPITAL)( MARKET)?$/.test(e)) return "NASDAQ";
    return e;
  }
  if (e === "NASDAQGS" || e === "NASDAQGM" || e === "NASDAQCM") return "NASDAQ";
  if (e === "TSXV" || e.startsWith("TSX VENTURE") || /^TSX ?- ?V$/.test(e)) return "TSX-V";
  if (/^NYSE ?AMERICAN$/.test(e)) return "NYSE AMERICAN";
  if (/^NYSE ?ARCA$/.test(e)) return "NYSE ARCA";
  if (/^NYSE ?MKT$/.test(e)) return "NYSE MKT";
  return e;
}

/** "(NYSE: MX)"-style mentions in free text, as "EXCHANGE:SYMBOL". */
export function tickersFromText(text: string): string[] {
  const out: string[] = [];
  if (text.indexOf(":") === -1 || text.indexOf("(") === -1) return out;
  PAREN_LIST_RE.lastIndex = 0;
  for (let list = PAREN_LIST_RE.exec(text); list !== null; list = PAREN_LIST_RE.exec(text)) {
    const inner = list[1]!;
    PAIR_RE.lastIndex = 0;
    for (let pair = PAIR_RE.exec(inner); pair !== null; pair = PAIR_RE.exec(inner)) {
      const exchange = normaliseExchange(pair[1]!);
      const symbol = pair[2]!.replace(/[.\-]+$/, "");
      if (!SYMBOL_OK_RE.test(symbol)) continue; // lower-case words are prose, not symbols
      if (!HAS_LETTER_RE.test(symbol) && !NUMERIC_MARKETS.has(exchange)) continue;
      out.push(`${exchange}:${symbol}`);
    }
  }
  return out;
}

/** Cashtags in a Business Wire dateline block (`--(BUSINESS WIRE)---- $MX #MOSFET--`). */
export function cashtagsFromDateline(text: string): string[] {
  const at = text.search(BUSINESS_WIRE_RE);
  if (at === -1) return [];
  let segment = text.slice(at, at + 300).replace(BUSINESS_WIRE_RE, "");
  segment = segment.replace(/^[\s\-–—]+/, "");
  if (!segment.startsWith("$") && !segment.startsWith("#")) return [];
  const end = segment.search(/--|–|—/);
  if (end !== -1) segment = segment.slice(0, end);
  const out: string[] = [];
  CASHTAG_RE.lastIndex = 0;
  for (let m = CASHTAG_RE.exec(segment); m !== null; m = CASHTAG_RE.exec(segment)) out.push(m[1]!);
  return out;
}

function symbolOf(ticker: string): string {
  const colon = ticker.lastIndexOf(":");
  return (colon === -1 ? ticker : ticker.slice(colon + 1)).toUpperCase();
}

export interface TickerSources {
  /** Values of stock categories (GlobeNewswire `domain=".../rss/stock"`). */
  stockCategories: readonly string[];
  /** Plain-text title and summary. */
  title: string;
  summary: string;
}

/** All tickers for one item: categories first, then free-text mentions, then dateline cashtags. */
export function extractTickers(sources: TickerSources): string[] {
  const out: string[] = [];
  const seenFull = new Set<string>();
  const seenSymbols = new Set<string>();
  const add = (ticker: string, bySymbol: boolean): void => {
    if (out.length >= MAX_TICKERS) return;
    const key = ticker.toUpperCase();
    const symbol = symbolOf(ticker);
    if (seenFull.has(key) || (bySymbol && seenSymbols.has(symbol))) return;
    seenFull.add(key);
    seenSymbols.add(symbol);
    out.push(ticker);
  };
  for (const value of sources.stockCategories) {
    const ticker = normaliseStockCategory(value);
    if (ticker !== undefined) add(ticker, false);
  }
  for (const ticker of tickersFromText(sources.title)) add(ticker, true);
  for (const ticker of tickersFromText(sources.summary)) add(ticker, true);
  for (const ticker of cashtagsFromDateline(sources.summary)) add(ticker, true);
  return out;
}
