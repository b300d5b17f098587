/**
 * The vocabulary beats are derived from: PR Newswire industry and subject codes, the wires' prose
 * labels, and a keyword map for text. Plain data; beat.ts applies it.
 *
 * A beat name is what a person reads ("Fintech"); its group is the broad beat ("Finance") used when
 * only free text is available and for platform interest categories.
 */

export type BeatGroup =
  | "Technology"
  | "Healthcare & biotech"
  | "Finance"
  | "Business & markets"
  | "Energy"
  | "Environment & sustainability"
  | "Consumer & retail"
  | "Food & beverage"
  | "Media & entertainment"
  | "Sports"
  | "Travel & hospitality"
  | "Transportation & automotive"
  | "Telecommunications"
  | "Industrial & manufacturing"
  | "Real estate"
  | "Agriculture"
  | "Education"
  | "Legal"
  | "Government & policy";

export interface BeatEntry {
  name: string;
  group: BeatGroup | null;
}

const e = (name: string, group: BeatGroup | null): BeatEntry => ({ name, group });

/**
 * PR Newswire prn:industry codes. PR Newswire sends each industry twice, as a label and as a 3-letter
 * code; codes are only read when an item carries no label. Unknown codes are dropped.
 * [fixture] = paired with its label in test/fixtures/real-feeds (PR Newswire, 2026-09/10);
 * the rest are from memory of PR Newswire's taxonomy: UNCONFIRMED.
 */
export const PRN_INDUSTRY_CODES: Readonly<Record<string, BeatEntry>> = {
  FIN: e("Financial services", "Finance"), // [fixture] Banking & Financial Services
  INS: e("Insurance", "Finance"), // [fixture]
  BIO: e("Biotechnology", "Healthcare & biotech"), // [fixture]
  CPR: e("Computers & electronics", "Technology"), // [fixture] Computer & Electronics
  IOT: e("Cloud computing & IoT", "Technology"), // [fixture] Cloud Computing/Internet of Things
  AFI: e("Artificial intelligence", "Technology"), // [fixture]
  AGR: e("Agriculture", "Agriculture"), // [fixture]
  FOD: e("Food & beverage", "Food & beverage"), // [fixture] Food & Beverages
  BEV: e("Food & beverage", "Food & beverage"), // [fixture] Beverages
  RST: e("Restaurants", "Food & beverage"), // [fixture]
  REA: e("Retail", "Consumer & retail"), // [fixture]
  ENT: e("Entertainment", "Media & entertainment"), // [fixture]
  LGL: e("Legal", "Legal"), // [fixture] on law-firm releases, with no label
  HEA: e("Health care", "Healthcare & biotech"), // Health Care & Hospitals (UNCONFIRMED)
  MTC: e("Pharmaceuticals & medical", "Healthcare & biotech"), // Medical Pharmaceuticals (UNCONFIRMED)
  PHA: e("Pharmaceuticals & medical", "Healthcare & biotech"), // Pharmaceuticals (UNCONFIRMED)
  MEQ: e("Medical devices", "Healthcare & biotech"), // Medical Equipment (UNCONFIRMED)
  STW: e("Software", "Technology"), // Computer Software (UNCONFIRMED)
  CSE: e("Consumer technology", "Technology"), // (UNCONFIRMED expansion; Technology either way)
  ITE: e("Internet technology", "Technology"), // (UNCONFIRMED)
  SEM: e("Semiconductors", "Technology"), // (UNCONFIRMED)
  TLS: e("Telecommunications", "Telecommunications"), // (UNCONFIRMED)
  OIL: e("Oil & gas", "Energy"), // Oil & Energy (UNCONFIRMED)
  UTI: e("Utilities", "Energy"), // (UNCONFIRMED)
  ENV: e("Environment", "Environment & sustainability"), // Environmental Products & Services (UNCONFIRMED)
  AUT: e("Automotive", "Transportation & automotive"), // (UNCONFIRMED)
  AIR: e("Airlines & aviation", "Transportation & automotive"), // (UNCONFIRMED)
  TRN: e("Transportation & logistics", "Transportation & automotive"), // (UNCONFIRMED)
  TRI: e("Travel", "Travel & hospitality"), // Travel Industry (UNCONFIRMED)
  EDU: e("Education", "Education"), // (UNCONFIRMED)
  PUB: e("Publishing", "Media & entertainment"), // Publishing & Information Services (UNCONFIRMED)
  SPT: e("Sports", "Sports"), // (UNCONFIRMED)
  CHM: e("Chemicals", "Industrial & manufacturing"), // (UNCONFIRMED)
  CON: e("Construction", "Industrial & manufacturing"), // Construction & Building (UNCONFIRMED)
  AER: e("Aerospace & defense", "Industrial & manufacturing"), // (UNCONFIRMED)
};

/**
 * PR Newswire prn:subject / dc:subject codes (news types). Same rule as industry codes.
 * `null` marks a code known to carry no beat (it is dropped, not shown raw).
 */
export const PRN_SUBJECT_CODES: Readonly<Record<string, BeatEntry | null>> = {
  ERN: e("Earnings", "Business & markets"), // [fixture] Earnings
  JVN: e("Joint ventures", "Business & markets"), // [fixture] Joint Ventures
  LIC: e("Licensing", null), // [fixture] Licensing
  PDT: e("Product launches", null), // [fixture] New Products & Services
  MRR: e("Market research", null), // [fixture] Market Research Reports
  INO: e("Investment commentary", "Business & markets"), // [fixture] Investments Opinions
  ATY: e("Legal", "Legal"), // [fixture] on class-action releases (UNCONFIRMED expansion)
  BFA: null, // [fixture] Broadcast Feed Announcement
  FVT: null, // [fixture] unknown meaning
};

/** Normalises a label for lookup: lower-case, "&amp;"/"and" as "&", single spaces. */
export function labelKey(label: string): string {
  return label
    .toLowerCase()
    .replace(/&amp;/g, "&")
    .replace(/\s+and\s+/g, " & ")
    .replace(/\s*&\s*/g, " & ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Industry labels as the wires write them (keys normalised with labelKey). */
export const INDUSTRY_LABELS: Readonly<Record<string, BeatEntry>> = {
  "banking & financial services": e("Financial services", "Finance"),
  "financial services": e("Financial services", "Finance"),
  banks: e("Banking", "Finance"),
  banking: e("Banking", "Finance"),
  "financial technology": e("Fintech", "Finance"),
  fintech: e("Fintech", "Finance"),
  insurance: e("Insurance", "Finance"),
  "blockchain": e("Crypto & blockchain", "Finance"),
  "cryptocurrency": e("Crypto & blockchain", "Finance"),
  "computer & electronics": e("Computers & electronics", "Technology"),
  "computer software": e("Software", "Technology"),
  software: e("Software", "Technology"),
  "software & computer services": e("Software", "Technology"),
  "artificial intelligence": e("Artificial intelligence", "Technology"),
  "cloud computing/internet of things": e("Cloud computing & IoT", "Technology"),
  semiconductors: e("Semiconductors", "Technology"),
  "computer electronics": e("Computers & electronics", "Technology"),
  "consumer technology": e("Consumer technology", "Technology"),
  biotechnology: e("Biotechnology", "Healthcare & biotech"),
  pharmaceuticals: e("Pharmaceuticals & medical", "Healthcare & biotech"),
  "medical pharmaceuticals": e("Pharmaceuticals & medical", "Healthcare & biotech"),
  "health care & hospitals": e("Health care", "Healthcare & biotech"),
  "health care": e("Health care", "Healthcare & biotech"),
  healthcare: e("Health care", "Healthcare & biotech"),
  "medical equipment": e("Medical devices", "Healthcare & biotech"),
  "food & beverages": e("Food & beverage", "Food & beverage"),
  "food & beverage": e("Food & beverage", "Food & beverage"),
  beverages: e("Food & beverage", "Food & beverage"),
  restaurants: e("Restaurants", "Food & beverage"),
  retail: e("Retail", "Consumer & retail"),
  "home improvement": e("Home improvement", "Consumer & retail"),
  entertainment: e("Entertainment", "Media & entertainment"),
  "publishing & information services": e("Publishing", "Media & entertainment"),
  agriculture: e("Agriculture", "Agriculture"),
  "oil & energy": e("Oil & gas", "Energy"),
  "oil & gas": e("Oil & gas", "Energy"),
  utilities: e("Utilities", "Energy"),
  "alternative energies": e("Renewable energy", "Energy"),
  "renewable energy": e("Renewable energy", "Energy"),
  automotive: e("Automotive", "Transportation & automotive"),
  "real estate": e("Real estate", "Real estate"),
  telecommunications: e("Telecommunications", "Telecommunications"),
  education: e("Education", "Education"),
  sports: e("Sports", "Sports"),
  "legal issues": e("Legal", "Legal"),
};

/**
 * Subject labels (news types). PR Newswire's prn:subject labels and GlobeNewswire's dc:subject
 * categories. `null` marks generic categories that say nothing about a beat; they are dropped.
 */
export const SUBJECT_LABELS: Readonly<Record<string, BeatEntry | null>> = {
  earnings: e("Earnings", "Business & markets"),
  "earnings releases & operating results": e("Earnings", "Business & markets"),
  "financial results": e("Earnings", "Business & markets"),
  "joint ventures": e("Joint ventures", "Business & markets"),
  "mergers & acquisitions": e("Mergers & acquisitions", "Business & markets"),
  "dividend reports & estimates": e("Dividends", "Business & markets"),
  dividends: e("Dividends", "Business & markets"),
  "changes in company's own shares": e("Share buybacks", "Business & markets"),
  "initial public offerings": e("IPOs", "Business & markets"),
  "investments opinions": e("Investment commentary", "Business & markets"),
  "stock market news": e("Markets", "Business & markets"),
  licensing: e("Licensing", null),
  "new products & services": e("Product launches", null),
  "product / services announcement": e("Product launches", null),
  "market research reports": e("Market research", null),
  "surveys, polls & research": e("Surveys & research", null),
  "personnel announcements": e("Executive appointments", null),
  "management changes": e("Executive appointments", null),
  partnerships: e("Partnerships", null),
  "business contracts": e("Contracts", null),
  contracts: e("Contracts", null),
  awards: e("Awards", null),
  "law & legal issues": e("Legal", "Legal"),
  "legal issues": e("Legal", "Legal"),
  "class action": e("Legal", "Legal"),
  "clinical study": e("Clinical trials", "Healthcare & biotech"),
  "clinical trials": e("Clinical trials", "Healthcare & biotech"),
  "fda approval": e("FDA approvals", "Healthcare & biotech"),
  sustainability: e("Sustainability", "Environment & sustainability"),
  "esg": e("Sustainability", "Environment & sustainability"),
  "environmental, social & governance criteria": e("Sustainability", "Environment & sustainability"),
  "company announcement": null,
  "press releases": null,
  "press release": null,
  "other news": null,
  "regulatory information": null,
  "european regulatory news": null,
  "broadcast feed announcement": null,
  "broadcast feed annoucement": null, // sic, as PR Newswire spells it
  "calendar of events": null,
  "conference call announcements": null,
  "conference calls/webcasts": null,
  "annual general meeting": null,
  general: null,
  news: null,
};

/**
 * Keyword -> broad beat, for free text (title, summary, wire and client keywords) and for labels the
 * tables above do not know. Order breaks ties. Patterns are case-insensitive except "AI".
 */
export const KEYWORD_BEATS: ReadonlyArray<{ group: BeatGroup; pattern: RegExp }> = [
  {
    group: "Technology",
    pattern:
      /\b(?:artificial intelligence|machine learning|generative ai|agentic|software|saas|cloud|cyber ?security|semiconductors?|microchips?|robotics|quantum computing|internet of things|iot|data cent(?:er|re)s?|tech(?:nology)?|computing|llms?)\b/i,
  },
  {
    group: "Healthcare & biotech",
    pattern:
      /\b(?:biotech(?:nology)?|clinical|fda|ema|pharma(?:ceuticals?)?|drugs?|therap(?:y|ies|eutics?)|oncology|cancer|patients?|health ?care|hospitals?|medical|medtech|vaccines?|diagnostics?)\b/i,
  },
  {
    group: "Finance",
    pattern: /\b(?:banks?|banking|payments?|fintech|financial services|lending|loans?|credit cards?|insurance|insurtech|wealth management|asset management|crypto(?:currency)?|blockchain|stablecoins?)\b/i,
  },
  {
    group: "Business & markets",
    pattern: /\b(?:earnings|quarterly results|financial results|revenue|dividends?|acquisitions?|mergers?|ipo|shareholders?|stock market|nasdaq|nyse|investors?)\b/i,
  },
  {
    group: "Energy",
    pattern: /\b(?:energy|oil|natural gas|lng|solar|wind (?:power|farm|energy)|renewables?|batter(?:y|ies)|utilit(?:y|ies)|nuclear|hydrogen|power grid)\b/i,
  },
  { group: "Environment & sustainability", pattern: /\b(?:climate|sustainab(?:le|ility)|carbon|emissions|esg|recycling|environmental)\b/i },
  { group: "Telecommunications", pattern: /\b(?:telecom(?:munications)?|5g|wireless|broadband|satellite)\b/i },
  { group: "Transportation & automotive", pattern: /\b(?:automotive|vehicles?|evs?|cars?|airlines?|aviation|logistics|shipping|freight|rail|trucking)\b/i },
  { group: "Food & beverage", pattern: /\b(?:food|beverages?|restaurants?|drinks?|coffee|wine|beer|snacks?)\b/i },
  { group: "Consumer & retail", pattern: /\b(?:retail(?:ers?)?|e-?commerce|consumer goods|consumer products|fashion|apparel|beauty|cosmetics)\b/i },
  { group: "Media & entertainment", pattern: /\b(?:entertainment|film|movies?|music|streaming|video games?|gaming|television|publishing)\b/i },
  { group: "Sports", pattern: /\b(?:sports?|athletes?|league|tournament|football|soccer|basketball|baseball)\b/i },
  { group: "Travel & hospitality", pattern: /\b(?:travel|tourism|hotels?|hospitality|resorts?|cruises?)\b/i },
  { group: "Real estate", pattern: /\b(?:real estate|reits?|commercial property|housing|homebuilders?|mortgages?)\b/i },
  { group: "Industrial & manufacturing", pattern: /\b(?:manufactur(?:ing|er|ers)|industrial|aerospace|defen[cs]e|chemicals?|construction|mining|steel)\b/i },
  { group: "Agriculture", pattern: /\b(?:agricultur(?:e|al)|farmers|farming|crops?|agtech|livestock|dairy|potato(?:es)?)\b/i },
  { group: "Education", pattern: /\b(?:education|edtech|schools?|universit(?:y|ies)|students?)\b/i },
  { group: "Legal", pattern: /\b(?:lawsuit|class action|securities fraud|law firm|attorneys?|litigation|legal)\b/i },
  { group: "Government & policy", pattern: /\b(?:government|public sector|public policy|regulators?|legislation|federal|ministry)\b/i },
];

/** "AI" is matched case-sensitively so "ai" inside other words or languages does not count. */
export const AI_RE = /(?<![\p{L}\p{N}])AI(?![\p{L}\p{N}])/u;

/** Interest category names on X for each broad beat: names to resolve to X interest ids (UNCONFIRMED). */
export const X_INTERESTS: Readonly<Record<BeatGroup, string>> = {
  Technology: "Technology",
  "Healthcare & biotech": "Health",
  Finance: "Business and finance",
  "Business & markets": "Business and finance",
  Energy: "Science",
  "Environment & sustainability": "Science",
  "Consumer & retail": "Shopping",
  "Food & beverage": "Food and drink",
  "Media & entertainment": "Entertainment",
  Sports: "Sports",
  "Travel & hospitality": "Travel",
  "Transportation & automotive": "Automotive",
  Telecommunications: "Technology",
  "Industrial & manufacturing": "Business and finance",
  "Real estate": "Home and garden",
  Agriculture: "Science",
  Education: "Education",
  Legal: "Law, government and politics",
  "Government & policy": "Law, government and politics",
};
