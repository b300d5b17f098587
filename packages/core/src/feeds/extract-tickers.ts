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
/** Listings are named in the headline and the first paragraph; prose further down is not scanned. */
const SUMMARY_SCAN_LENGTH = 1200;
/** The dateline (where Business Wire puts cashtags) is at the very start of the body. */
const DATELINE_SCAN_LENGTH = 400;

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
const CATEGORY_EXCHANGE_RE = /^[\p{L}\p{N}][\p{L}\p{N} .&'()\-/]{0,39}$/u;
const SPACES_RE = /\s+/g;

const STOCK_CATEGORY_RE = /^\s*(?:([^:]*?)\s*:)?\s*([^\s:]+)\s*$/;
const MULTI_SPACE_RE = /\s{2,}|[\t\n\r\f\v]/;

/** Normalises a GlobeNewswire stock category ("Other OTC : DSVSF" -> "Other OTC:DSVSF"). */
export function normaliseStockCategory(value: string): string | undefined {
  if (value.length > 80) return undefined; // no real exchange:symbol pair is this long
  const m = STOCK_CATEGORY_RE.exec(value);
  if (m === null) return undefined;
  let exchange = m[1] ?? "";
  const symbol = m[2]!;
  if (!CATEGORY_SYMBOL_RE.test(symbol)) return undefined;
  if (exchange !== "" && !CATEGORY_EXCHANGE_RE.test(exchange)) return undefined;
  if (exchange === "") return symbol;
  if (MULTI_SPACE_RE.test(exchange)) exchange = exchange.replace(SPACES_RE, " ");
  return `${exchange}:${symbol}`;
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
  const at = (text.length > DATELINE_SCAN_LENGTH ? text.slice(0, DATELINE_SCAN_LENGTH) : text).search(BUSINESS_WIRE_RE);
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

/** Adds `ticker` unless already present (or, when `bySymbol`, unless its symbol is). */
function addTicker(out: string[], symbols: string[], ticker: string, bySymbol: boolean): void {
  if (out.length >= MAX_TICKERS) return;
  const symbol = symbolOf(ticker);
  if (bySymbol) {
    if (symbols.includes(symbol)) return;
  } else {
    const key = ticker.toUpperCase();
    for (const existing of out) if (existing.toUpperCase() === key) return;
  }
  out.push(ticker);
  symbols.push(symbol);
}

/** All tickers for one item: categories first, then free-text mentions, then dateline cashtags. */
export function extractTickers(sources: TickerSources): string[] {
  const out: string[] = [];
  const symbols: string[] = [];
  for (const value of sources.stockCategories) {
    const ticker = normaliseStockCategory(value);
    if (ticker !== undefined) addTicker(out, symbols, ticker, false);
  }
  for (const ticker of tickersFromText(sources.title)) addTicker(out, symbols, ticker, true);
  const summary = sources.summary;
  if (summary !== "") {
    const head = summary.length > SUMMARY_SCAN_LENGTH ? summary.slice(0, SUMMARY_SCAN_LENGTH) : summary;
    for (const ticker of tickersFromText(head)) addTicker(out, symbols, ticker, true);
    for (const ticker of cashtagsFromDateline(head)) addTicker(out, symbols, ticker, true);
  }
  return out;
}
