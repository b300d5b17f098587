/**
 * The demo wire's press releases, generated from a counter: release n is always the same, and no two
 * of the first tens of thousands share a title (see demoRelease). Every ACME_EVERY-th release is
 * Acme Corp's (the demo client matches the keyword "Acme"); the others are by companies no demo
 * client follows and never mention Acme, so the demo shows releases that match nobody too.
 */

export interface DemoCompany {
  name: string;
  ticker: string;
  /** The dateline's place, as wires print it: "SAN JOSE, Calif.". */
  dateline: string;
  /** What it sells, for titles: "Warehouse Robots". */
  offerings: readonly string[];
  /** Where its people work: "Distribution Center". */
  facility: string;
  /** Its chief executive, quoted in some releases. */
  chief: string;
}

export interface DemoRelease {
  title: string;
  /** The release's first paragraph, after the dateline. */
  text: string;
  company: DemoCompany;
}

/** One release in ACME_EVERY is Acme Corp's. */
export const ACME_EVERY = 4;

export const ACME: DemoCompany = {
  name: "Acme Corp",
  ticker: "NYSE:ACME",
  dateline: "NEW YORK",
  offerings: ["Supply Chain Platform", "Demand Forecasting Suite", "Warehouse Automation System", "Procurement Cloud", "Logistics Control Tower"],
  facility: "Innovation Center",
  chief: "Dana Whitfield",
};

/** Companies no demo client follows. None of their words contains "Acme". */
export const OTHER_COMPANIES: readonly DemoCompany[] = [
  { name: "Globex Robotics", ticker: "Nasdaq:GBXR", dateline: "SAN JOSE, Calif.", offerings: ["Warehouse Robots", "Robotic Picking Arm", "Fleet Orchestration Software", "Autonomous Forklift", "Vision Inspection System"], facility: "Robotics Plant", chief: "Maya Chen" },
  { name: "Initech Health", ticker: "Nasdaq:INTH", dateline: "BOSTON", offerings: ["Remote Patient Monitoring Service", "Clinical Scheduling App", "Hospital Analytics Suite", "Care Coordination Platform", "Medical Imaging AI"], facility: "Clinical Operations Center", chief: "Robert Osei" },
  { name: "Umbrella Energy", ticker: "NYSE:UMBE", dateline: "HOUSTON", offerings: ["Grid-Scale Battery", "Green Hydrogen Electrolyzer", "Virtual Power Plant Software", "Offshore Wind Service", "EV Charging Network"], facility: "Energy Storage Plant", chief: "Elena Vargas" },
  { name: "Stark Mobility", ticker: "NYSE:STKM", dateline: "DETROIT", offerings: ["Electric Delivery Van", "Fleet Telematics Service", "Solid-State Battery Pack", "Driver Assistance System", "Charging Depot Program"], facility: "Assembly Plant", chief: "Marcus Bell" },
  { name: "Wayne Biosciences", ticker: "Nasdaq:WBIO", dateline: "SAN DIEGO", offerings: ["Gene Therapy Candidate", "Rapid Diagnostic Test", "Cell Therapy Platform", "Antibody Discovery Engine", "Biomanufacturing Service"], facility: "Research Campus", chief: "Priya Raman" },
  { name: "Soylent Foods", ticker: "NYSE:SOYL", dateline: "CHICAGO", offerings: ["Plant-Based Protein Line", "Ready-to-Drink Meal", "Fermented Dairy Alternative", "Snack Bar Range", "Food Service Program"], facility: "Production Facility", chief: "Thomas Reilly" },
  { name: "Cyberdyne Systems", ticker: "Nasdaq:CYDS", dateline: "AUSTIN, Texas", offerings: ["Zero-Trust Security Platform", "Threat Detection Service", "Identity Management Suite", "Security Operations Copilot", "Cloud Firewall"], facility: "Security Operations Center", chief: "Sofia Lindqvist" },
  { name: "Hooli Cloud", ticker: "Nasdaq:HOOL", dateline: "MOUNTAIN VIEW, Calif.", offerings: ["Data Warehouse Service", "AI Model Hosting Platform", "Sovereign Cloud Region", "Developer Platform", "Edge Computing Service"], facility: "Data Center", chief: "Gavin Brooks" },
  { name: "Vandelay Logistics", ticker: "NYSE:VDLY", dateline: "NEWARK, N.J.", offerings: ["Cold Chain Network", "Same-Day Freight Service", "Customs Brokerage Platform", "Cross-Border Parcel Service", "Freight Visibility App"], facility: "Distribution Hub", chief: "Arthur Kemp" },
  { name: "Massive Dynamic", ticker: "NYSE:MSDY", dateline: "NEW YORK", offerings: ["Quantum Computing Service", "Industrial IoT Platform", "Materials Simulation Suite", "Satellite Imaging Service", "Digital Twin Platform"], facility: "Research Lab", chief: "Nina Sharpe" },
  { name: "Bluth Homes", ticker: "NYSE:BLTH", dateline: "NEWPORT BEACH, Calif.", offerings: ["Net-Zero Home Community", "Modular Housing Line", "Smart Home Package", "Build-to-Rent Portfolio", "Affordable Housing Program"], facility: "Design Studio", chief: "Lucille Harper" },
  { name: "Oceanic Air Group", ticker: "NYSE:OCAG", dateline: "HONOLULU", offerings: ["Trans-Pacific Route", "Premium Economy Cabin", "Loyalty Program", "Sustainable Aviation Fuel Program", "Cargo Service"], facility: "Maintenance Base", chief: "Kai Nakamura" },
  { name: "Gekko Financial", ticker: "NYSE:GKKO", dateline: "CHARLOTTE, N.C.", offerings: ["Small Business Lending Platform", "Real-Time Payments Service", "Wealth Management App", "Embedded Banking Program", "Treasury Management Suite"], facility: "Operations Center", chief: "Helen Park" },
  { name: "Tyrell Semiconductor", ticker: "Nasdaq:TYRS", dateline: "PHOENIX", offerings: ["AI Accelerator Chip", "Automotive Microcontroller", "Power Management Chip", "Silicon Photonics Module", "Advanced Packaging Service"], facility: "Chip Fab", chief: "Eldon Grant" },
  { name: "Pendant Publishing", ticker: "Nasdaq:PNDT", dateline: "SEATTLE", offerings: ["Digital Learning Platform", "Audiobook Service", "Children's Reading App", "Research Database", "Textbook Subscription"], facility: "Content Studio", chief: "Grace Munro" },
];

const BRANDS = ["Atlas", "Beacon", "Cobalt", "Helix", "Meridian", "Nimbus", "Orion", "Pulse", "Quartz", "Summit", "Vector", "Zephyr", "Lumen", "Keystone", "Horizon", "Sable", "Tidal", "Ember", "Granite", "Aurora"];
const SEGMENTS = ["Mid-Market Manufacturers", "Regional Hospitals", "Utilities", "Retailers", "Logistics Providers", "Community Banks", "Public Agencies", "Airlines", "Food Producers", "Universities", "Small Businesses", "Telecom Operators"];
const PLACES = ["Austin", "Dublin", "Singapore", "São Paulo", "Toronto", "Munich", "Osaka", "Nairobi", "Warsaw", "Melbourne", "Lyon", "Monterrey", "Bengaluru", "Rotterdam", "Seoul", "Denver", "Lisbon", "Calgary", "Manchester", "Columbus", "Raleigh", "Tallinn", "Cape Town", "Auckland"];
const REGIONS = ["Canada", "Mexico", "Brazil", "the United Kingdom", "Germany", "France", "the Nordics", "Poland", "India", "Japan", "South Korea", "Australia", "the Gulf States", "Southeast Asia", "Spain", "the Benelux Countries"];
const PARTNERS = ["Northwind Traders", "Contoso Bank", "Fabrikam Industries", "Wide World Importers", "Adventure Works", "Litware Systems", "Proseware", "Woodgrove Financial", "Coho Vineyards", "Lucerne Publishing", "Alpine Ski House", "Fourth Coffee", "Trey Research", "City Power & Light", "Humongous Insurance", "Consolidated Messenger", "Southridge Video", "VanArsdel Ltd.", "Tailwind Freight", "Relecloud"];
const FIRST_NAMES = ["Avery", "Jordan", "Morgan", "Priya", "Luis", "Hannah", "Kenji", "Amara", "Daniel", "Ingrid", "Omar", "Chloe", "Mateo", "Fatima", "Samuel", "Yuki", "Olivia", "Rahul", "Grace", "Tomás"];
const LAST_NAMES = ["Alvarez", "Bennett", "Chowdhury", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ibrahim", "Jensen", "Kowalski", "Laurent", "Mensah", "Novak", "O'Brien", "Petrov", "Quinn", "Rossi", "Sato", "Thompson"];
const ROLES = ["Chief Financial Officer", "Chief Technology Officer", "Chief Operating Officer", "Chief Marketing Officer", "Chief Compliance Officer", "Chief People Officer", "President of International", "General Counsel", "Chief Sustainability Officer", "Chief Revenue Officer"];
const TARGET_PREFIXES = ["Brightline", "Clearwater", "Ironbridge", "Redwood", "Silverleaf", "Bluepeak", "Northstar", "Greenfield", "Harborview", "Lakeshore", "Pinecrest", "Stonegate", "Westbrook", "Fairhaven", "Oakridge", "Riverton"];
const TARGET_SUFFIXES = ["Analytics", "Labs", "Software", "Networks", "Robotics", "Therapeutics", "Logistics", "Systems"];
const AUDIENCES = ["Operations Leaders", "CFOs", "IT Decision-Makers", "Procurement Heads", "Hospital Administrators", "Small-Business Owners", "Supply Chain Managers", "Sustainability Officers", "Plant Managers", "Chief Data Officers"];
const PLANS = ["Double AI Budgets", "Reshore Production", "Cut Cloud Spending", "Hire More Data Engineers", "Automate Reporting", "Switch Suppliers", "Adopt Electric Fleets", "Consolidate Vendors", "Expand Into New Markets", "Raise Cybersecurity Spending"];
const AWARDS = ["a Red Dot Award", "a CES Innovation Award", "an Edison Award", "a Fast Company Innovation by Design Award", "a Gold Stevie Award", "a SIIA CODiE Award", "an iF Design Award", "a BIG Innovation Award", "an R&D 100 Award", "a Webby Award", "a Good Design Award", "a TIME Best Inventions Nod"];
const SCOPES = ["Scope 1 and 2", "Scope 3", "Operational"];
const INSTRUMENTS = ["Senior Notes Offering", "Revolving Credit Facility", "Green Bond Offering", "Term Loan", "Convertible Notes Offering", "Sustainability-Linked Loan"];
const EVENTS = ["CES", "Hannover Messe", "Web Summit", "MWC Barcelona", "HIMSS", "SXSW", "Money20/20", "RSA Conference", "re:Invent", "VivaTech"];
const HOSTED = ["an Investor Day", "a Capital Markets Day", "a Third-Quarter Earnings Call", "an Analyst Webcast"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const QUARTERS = ["First", "Second", "Third", "Fourth"];

interface Template {
  /** How many values each slot takes: a release's slot values are a mixed-radix number below their product. */
  slots: readonly number[];
  /** `v` varies the text's figures (any number; titles never depend on it). */
  render(c: DemoCompany, s: readonly number[], v: number): [title: string, text: string];
}

/** "$250 Million", "$1.05 Billion", "$1,057 Million": billions only when exact to two decimals, so distinct amounts read differently. */
const money = (millions: number): string =>
  millions >= 1000 && millions % 10 === 0 ? `$${String(millions / 1000)} Billion` : `$${millions.toLocaleString("en-US")} Million`;
const moneyLower = (millions: number): string => money(millions).replace("Billion", "billion").replace("Million", "million");
const person = (s: readonly number[], first: number, last: number): string => `${FIRST_NAMES[s[first]!]!} ${LAST_NAMES[s[last]!]!}`;
/** A figure in 0..mod-1 that varies from release to release (`v`) but never enters a title. */
const spread = (v: number, mod: number, salt: number): number => ((Math.imul(v + 1, 2654435761) ^ Math.imul(salt, 40503)) >>> 0) % mod;

/**
 * Sixteen kinds of release. Each title takes every slot (so different slot values give different
 * titles), and each slot product is at least 1,000: a company's k-th use of a template has a title of
 * its own for k below that.
 */
const TEMPLATES: readonly Template[] = [
  {
    slots: [BRANDS.length, 5, SEGMENTS.length],
    render: (c, [b, o, seg], v) => [
      `${c.name} Launches ${BRANDS[b!]} ${c.offerings[o!]} for ${SEGMENTS[seg!]}`,
      `${c.name} today announced the general availability of ${BRANDS[b!]}, a new ${c.offerings[o!]!.toLowerCase()} built for ${SEGMENTS[seg!]!.toLowerCase()}, after pilots that cut costs by ${12 + spread(v, 30, 1)}%. "Our customers asked for results they can measure in weeks, not years," said ${c.chief}, chief executive of ${c.name}.`,
    ],
  },
  {
    slots: [QUARTERS.length, 300],
    render: (c, [q, r], v) => {
      const revenue = 180 + r! * 7;
      return [
        `${c.name} Reports ${QUARTERS[q!]}-Quarter Revenue of ${money(revenue)}, Up ${4 + spread(v, 25, 2)}% Year Over Year`,
        `${c.name} reported ${QUARTERS[q!]!.toLowerCase()}-quarter revenue of ${moneyLower(revenue)} and adjusted earnings of $${(0.4 + spread(v, 180, 3) / 100).toFixed(2)} per share, and raised its full-year outlook on strong demand for its ${c.offerings[spread(v, 5, 4)]!.toLowerCase()}.`,
      ];
    },
  },
  {
    slots: [PLACES.length, 50],
    render: (c, [p, j]) => {
      const jobs = 60 + j! * 15;
      return [
        `${c.name} Opens ${c.facility} in ${PLACES[p!]}, Creating ${jobs} Jobs`,
        `${c.name} opened a new ${c.facility.toLowerCase()} in ${PLACES[p!]} that will employ ${jobs} people by the end of next year and serve customers across the region.`,
      ];
    },
  },
  {
    slots: [PARTNERS.length, 5, PLACES.length],
    render: (c, [pa, o, p], v) => [
      `${c.name} and ${PARTNERS[pa!]} Partner to Bring ${c.offerings[o!]} to ${PLACES[p!]}`,
      `${c.name} and ${PARTNERS[pa!]} announced a ${2 + spread(v, 5, 5)}-year partnership to roll out ${c.name}'s ${c.offerings[o!]!.toLowerCase()} in ${PLACES[p!]}, with the first customers live in the coming quarter.`,
    ],
  },
  {
    slots: [FIRST_NAMES.length, LAST_NAMES.length, ROLES.length],
    render: (c, s, v) => [
      `${c.name} Appoints ${person(s, 0, 1)} as ${ROLES[s[2]!]}`,
      `${c.name} named ${person(s, 0, 1)} ${ROLES[s[2]!]!.toLowerCase()}, effective ${MONTHS[spread(v, 12, 6)]} 1. ${FIRST_NAMES[s[0]!]} joins from ${PARTNERS[spread(v, PARTNERS.length, 7)]}, where they spent ${5 + spread(v, 15, 8)} years in senior roles.`,
    ],
  },
  {
    slots: [TARGET_PREFIXES.length, TARGET_SUFFIXES.length, 10],
    render: (c, [tp, ts, a]) => {
      const target = `${TARGET_PREFIXES[tp!]} ${TARGET_SUFFIXES[ts!]}`;
      const amount = 45 + a! * 55;
      return [
        `${c.name} to Acquire ${target} for ${money(amount)}`,
        `${c.name} agreed to acquire ${target} for ${moneyLower(amount)} in cash, adding its team and technology to the company's ${c.offerings[tp! % 5]!.toLowerCase()}. The deal is expected to close within two quarters, subject to regulatory approval.`,
      ];
    },
  },
  {
    slots: [AUDIENCES.length, PLANS.length, 12],
    render: (c, [au, pl, pc], v) => {
      const share = 38 + pc! * 4;
      return [
        `${c.name} Survey of ${AUDIENCES[au!]} Finds ${share}% Plan to ${PLANS[pl!]} Next Year`,
        `${c.name} released its annual benchmark report, surveying ${800 + spread(v, 40, 9) * 50} ${AUDIENCES[au!]!.toLowerCase()} in ${4 + spread(v, 12, 10)} countries; ${share}% plan to ${PLANS[pl!]!.toLowerCase()} next year. The full white paper is available for download.`,
      ];
    },
  },
  {
    slots: [60, PARTNERS.length],
    render: (c, [a, pa], v) => {
      const amount = 5 + a! * 5;
      return [
        `${c.name} Wins ${money(amount)} Contract from ${PARTNERS[pa!]}`,
        `${c.name} won a ${2 + spread(v, 6, 11)}-year contract worth ${moneyLower(amount)} to supply ${PARTNERS[pa!]} with its ${c.offerings[spread(v, 5, 12)]!.toLowerCase()}.`,
      ];
    },
  },
  {
    slots: [5, REGIONS.length, PARTNERS.length],
    render: (c, [o, r, pa]) => [
      `${c.name} Expands ${c.offerings[o!]} to ${REGIONS[r!]} With ${PARTNERS[pa!]}`,
      `${c.name} is bringing its ${c.offerings[o!]!.toLowerCase()} to ${REGIONS[r!]}, working with ${PARTNERS[pa!]} as its local partner for sales, onboarding and support.`,
    ],
  },
  {
    slots: [50, PLACES.length],
    render: (c, [a, p], v) => {
      const amount = 20 + a! * 20;
      return [
        `${c.name} Commits ${money(amount)} to New ${c.facility} in ${PLACES[p!]}`,
        `${c.name} will invest ${moneyLower(amount)} over ${2 + spread(v, 4, 13)} years in a new ${c.facility.toLowerCase()} in ${PLACES[p!]}, its largest investment in the region to date.`,
      ];
    },
  },
  {
    slots: [241, 5],
    render: (c, [d, p]) => {
      const dividend = (0.1 + d! / 100).toFixed(2);
      const raise = 3 + p! * 2;
      return [
        `${c.name} Raises Quarterly Dividend ${raise}% to $${dividend} per Share`,
        `The board of ${c.name} raised the quarterly dividend by ${raise}% to $${dividend} per share, payable next month to shareholders of record at the end of this month.`,
      ];
    },
  },
  {
    slots: [BRANDS.length, 5, AWARDS.length],
    render: (c, [b, o, aw]) => [
      `${c.name}'s ${BRANDS[b!]} ${c.offerings[o!]} Wins ${AWARDS[aw!]!.replace(/^an? /, "")}`,
      `${BRANDS[b!]}, ${c.name}'s ${c.offerings[o!]!.toLowerCase()}, received ${AWARDS[aw!]}, with judges citing its design and its results for customers.`,
    ],
  },
  {
    slots: [SCOPES.length, 40, 13],
    render: (c, [sc, pc, y]) => {
      const cut = 20 + pc!;
      const goal = 2028 + y!;
      return [
        `${c.name} Cuts ${SCOPES[sc!]} Emissions ${cut}% Ahead of Its ${goal} Goal`,
        `${c.name}'s annual sustainability report shows ${SCOPES[sc!]!.toLowerCase()} emissions down ${cut}% from its baseline, ahead of the target it set for ${goal}, helped by renewable power at every ${c.facility.toLowerCase()}.`,
      ];
    },
  },
  {
    slots: [200, INSTRUMENTS.length],
    render: (c, [a, i]) => {
      const amount = 100 + a! * 25;
      return [
        `${c.name} Closes ${money(amount)} ${INSTRUMENTS[i!]}`,
        `${c.name} closed a ${moneyLower(amount)} ${INSTRUMENTS[i!]!.toLowerCase()}; it will use the proceeds for growth investments and general corporate purposes.`,
      ];
    },
  },
  {
    slots: [BRANDS.length, 5, EVENTS.length],
    render: (c, [b, o, e], v) => [
      `${c.name} Unveils Next-Generation ${BRANDS[b!]} ${c.offerings[o!]} at ${EVENTS[e!]}`,
      `At ${EVENTS[e!]}, ${c.name} unveiled the next generation of ${BRANDS[b!]}, its ${c.offerings[o!]!.toLowerCase()}, now ${2 + spread(v, 4, 14)} times faster and available to customers from next quarter.`,
    ],
  },
  {
    slots: [HOSTED.length, MONTHS.length, 28],
    render: (c, [h, m, d]) => [
      `${c.name} to Host ${HOSTED[h!]!.replace(/^an? /, "")} on ${MONTHS[m!]} ${d! + 1}`,
      `${c.name} will host ${HOSTED[h!]} on ${MONTHS[m!]} ${d! + 1} at 8:30 a.m. ET; ${c.chief} and the leadership team will present, and a live webcast will be available on the company's investor site.`,
    ],
  },
];

/** A prime above every template's slot product: k * STRIDE mod product visits every value once. */
const STRIDE = 7919;

/** The k-th slot values of a template: a bijection of k on 0..product-1, started at `offset` so pairs do not all open alike. */
function slotValues(slots: readonly number[], k: number, offset: number): number[] {
  const size = slots.reduce((a, b) => a * b, 1);
  let rest = (((k % size) * STRIDE + offset) % size + size) % size;
  return slots.map((radix) => {
    const value = rest % radix;
    rest = Math.floor(rest / radix);
    return value;
  });
}

/** How many releases each (company, template) can carry before its titles come round again. */
export const TITLES_PER_COMPANY_TEMPLATE = Math.min(...TEMPLATES.map((t) => t.slots.reduce((a, b) => a * b, 1)));
export const TEMPLATE_COUNT = TEMPLATES.length;
/** Exported for tests: the largest slot product, which STRIDE must exceed. */
export const LARGEST_SLOT_PRODUCT = Math.max(...TEMPLATES.map((t) => t.slots.reduce((a, b) => a * b, 1)));

/**
 * The n-th release of the demo wire (n from 0). Release n is Acme's when n is a multiple of
 * ACME_EVERY, else the next of the other companies' stream. Within a stream the i-th release is by
 * company i mod C with template (i div C + company) mod T, so neighbours differ in both; its slot
 * values come from how often that (company, template) pair was used before (k), through a bijection,
 * so titles repeat only after C * T * TITLES_PER_COMPANY_TEMPLATE releases of the stream.
 */
export function demoRelease(n: number): DemoRelease {
  const acme = n % ACME_EVERY === 0;
  const companies = acme ? [ACME] : OTHER_COMPANIES;
  const i = acme ? n / ACME_EVERY : n - Math.floor(n / ACME_EVERY) - 1;
  const c = i % companies.length;
  const q = Math.floor(i / companies.length);
  const t = (q + c) % TEMPLATES.length;
  const k = Math.floor(q / TEMPLATES.length);
  const company = companies[c]!;
  const template = TEMPLATES[t]!;
  // Acme's pair offsets differ from every other company's: the streams do not mirror each other.
  const pair = (acme ? OTHER_COMPANIES.length : c) * TEMPLATES.length + t;
  const [title, text] = template.render(company, slotValues(template.slots, k, (pair + 1) * 104_729), n);
  return { title, text, company };
}
