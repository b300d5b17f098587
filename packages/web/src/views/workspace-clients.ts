import { html } from "hono/html";
import { AD_PLATFORMS, CHANNELS, type Access, type ClientConfig, type ClientMatch, type StoredRelease } from "@pressbridge/core";
import { CHANNEL_NAMES, formatInZone } from "./format.ts";
import {
  checksField,
  clip,
  formError,
  inputField,
  notice,
  textareaField,
  workspacePage,
  type FormErrors,
  type Html,
} from "./workspace-layout.ts";

/** A client's settings as typed in the form: strings (and checked boxes), so an error loses nothing. */
export interface ClientForm {
  id: string;
  name: string;
  owner: string;
  approvers: string;
  keywords: string;
  timezone: string;
  windowHours: string;
  channels: string[];
  adPlatforms: string[];
  trendHashtags: string;
  dailyBudget: string;
  currency: string;
  flightDays: string;
  locations: string;
  assetTitle: string;
  assetUrl: string;
  /** The stored version the form was made from (an existing client's): a save made from an older one is refused. */
  version: string;
}

export const CLIENT_FORM_KEYS = [
  "id",
  "name",
  "owner",
  "approvers",
  "keywords",
  "timezone",
  "windowHours",
  "trendHashtags",
  "dailyBudget",
  "currency",
  "flightDays",
  "locations",
  "assetTitle",
  "assetUrl",
  "version",
] as const;

export function clientFormOf(c: ClientConfig, version: number | undefined): ClientForm {
  return {
    id: c.id,
    name: c.name,
    owner: c.owner,
    approvers: c.approvers.join("\n"),
    keywords: c.keywords.join("\n"),
    timezone: c.timezone,
    windowHours: String(c.windowHours),
    channels: [...c.channels],
    adPlatforms: [...c.adPlatforms],
    trendHashtags: c.trendHashtags.join("\n"),
    dailyBudget: String(c.adDefaults.dailyBudget),
    currency: c.adDefaults.currency,
    flightDays: String(c.adDefaults.flightDays),
    locations: (c.adDefaults.locations ?? []).join(", "),
    assetTitle: c.supportingAsset?.title ?? "",
    assetUrl: c.supportingAsset?.url ?? "",
    version: version === undefined ? "" : String(version),
  };
}

/** A new client's form: every channel and ad platform ticked (what a client naming none gets). */
export function newClientForm(): ClientForm {
  return {
    id: "",
    name: "",
    owner: "",
    approvers: "",
    keywords: "",
    timezone: "UTC",
    windowHours: "72",
    channels: [...CHANNELS],
    adPlatforms: [...AD_PLATFORMS],
    trendHashtags: "",
    dailyBudget: "50",
    currency: "USD",
    flightDays: "5",
    locations: "",
    assetTitle: "",
    assetUrl: "",
    version: "",
  };
}

export interface KeywordPreview {
  days: number;
  keywords: string[];
  /** Recent releases the keywords (or a bound feed) would match, newest first. */
  matches: Array<{ release: StoredRelease; match: ClientMatch }>;
  scanned: number;
}

export interface ClientPageModel {
  access: Access;
  /** undefined: the "new client" form. */
  existing: ClientConfig | undefined;
  form: ClientForm;
  errors: FormErrors;
  saved?: string | undefined;
  preview?: KeywordPreview | undefined;
  mediaListContacts?: number | undefined;
}

const CHANNEL_OPTIONS = CHANNELS.map((c) => ({ value: c, label: CHANNEL_NAMES[c] ?? c }));
const PLATFORM_OPTIONS = AD_PLATFORMS.map((p) => ({ value: p, label: p === "meta" ? "Meta" : (CHANNEL_NAMES[p] ?? p) }));

/** The clients index: the clients this person manages, and (admins) "Add a client". */
export function clientsIndexPage(access: Access, clients: readonly ClientConfig[], feedsByClient: ReadonlyMap<string, number>, message?: string): Html {
  return workspacePage(
    "Clients",
    access,
    "clients",
    html`<h1>Clients</h1>
${notice(message)}
${access.isAdmin ? html`<p><a href="/workspace/clients/new">Add a client</a></p>` : ""}
<div class="card">${
      clients.length === 0
        ? html`<p class="muted">No clients yet.</p>`
        : html`<table class="stack" id="clients"><tr><th>Client</th><th>Owner</th><th>Approvers</th><th>Keywords</th><th>Feeds</th></tr>
${clients.map(
  (c) => html`<tr><td data-label="Client"><a href="/workspace/clients/${c.id}">${c.name}</a> <span class="muted">${c.id}</span></td><td data-label="Owner">${c.owner}</td><td data-label="Approvers">${c.approvers.join(", ")}</td><td data-label="Keywords">${clip(c.keywords.join(", "), 200) || "—"}</td><td data-label="Feeds">${feedsByClient.get(c.id) ?? 0}</td></tr>`,
)}</table>`
    }</div>`,
  );
}

/** A client's settings form (or the new-client form), its keyword preview, and links to its list and removal. */
export function clientPage(m: ClientPageModel): Html {
  const f = m.form;
  const e = m.errors;
  const isNew = m.existing === undefined;
  const action = isNew ? "/workspace/clients" : `/workspace/clients/${m.existing!.id}`;
  const title = isNew ? "Add a client" : m.existing!.name;
  const body = html`<h1>${title}</h1>
${notice(m.saved)}
${formError(e)}
${
  isNew
    ? ""
    : html`<p class="actions"><a href="/workspace/clients/${m.existing!.id}/media-list">Media list${m.mediaListContacts === undefined ? " (none)" : ` (${m.mediaListContacts} contacts)`}</a> · <a href="/workspace/feeds">Feeds</a> · <a href="/dashboard/${m.existing!.id}">Dashboard</a>${
        m.access.isAdmin ? html` · <a href="/workspace/clients/${m.existing!.id}/remove">Remove this client</a>` : ""
      }</p>`
}
<form method="post" action="${action}" class="card" id="client-form" novalidate>
${isNew ? inputField("id", "Client id", f.id, e, { required: true, hint: "Lower-case letters, digits and dashes, e.g. acme. It cannot be changed later.", maxlength: 63 }) : html`<input type="hidden" name="id" value="${f.id}"><input type="hidden" name="version" value="${f.version}">`}
${inputField("name", "Name", f.name, e, { required: true, maxlength: 200 })}
${inputField("owner", "Owner (lead) email", f.owner, e, { type: "email", required: true, autocomplete: "off", hint: "The owner manages this client (a lead)." })}
${textareaField("approvers", "Approvers", f.approvers, e, "One email address per line; each gets the approval emails.")}
${textareaField("keywords", "Keywords", f.keywords, e, "One per line. A release on a shared wire matches when one appears as a whole word in its title, issuer or summary; an all-capitals keyword (a ticker) matches only in capitals.")}
<p class="actions"><button type="submit" name="intent" value="preview">Preview keyword matches</button> <span class="muted">Shows which recent releases they would match; saves nothing.</span></p>
${m.preview === undefined ? "" : previewSection(m.preview, f.timezone)}
<div class="row">
${inputField("timezone", "Time zone", f.timezone, e, { hint: "IANA name, e.g. America/New_York", maxlength: 64 })}
${inputField("windowHours", "Window (hours)", f.windowHours, e, { inputmode: "decimal", hint: "How long after detection it may be published", maxlength: 8 })}
</div>
${checksField("channels", "Channels", CHANNEL_OPTIONS, f.channels, e)}
${checksField("adPlatforms", "Ad platforms", PLATFORM_OPTIONS, f.adPlatforms, e)}
${textareaField("trendHashtags", "Trend hashtags", f.trendHashtags, e, "One per line, e.g. #AI")}
<fieldset><legend>Ad defaults</legend>
<div class="row">
${inputField("dailyBudget", "Daily budget", f.dailyBudget, e, { inputmode: "decimal", maxlength: 12 })}
${inputField("currency", "Currency", f.currency, e, { hint: "ISO 4217, e.g. USD", maxlength: 3 })}
${inputField("flightDays", "Flight (days)", f.flightDays, e, { inputmode: "numeric", maxlength: 3 })}
</div>
${inputField("locations", "Locations (countries)", f.locations, e, { hint: "ISO country codes separated by commas, e.g. US, CA. Left empty: the time zone's country.", maxlength: 400 })}
</fieldset>
<fieldset><legend>Supporting asset (optional)</legend>
${inputField("assetTitle", "Title", f.assetTitle, e, { maxlength: 200 })}
${inputField("assetUrl", "URL", f.assetUrl, e, { type: "url", maxlength: 2000 })}
</fieldset>
<p class="actions"><button type="submit" name="intent" value="save" class="approve">${isNew ? "Add client" : "Save settings"}</button> <a href="/workspace">Cancel</a></p>
</form>`;
  return workspacePage(title, m.access, "clients", body);
}

function previewSection(p: KeywordPreview, timezone: string): Html {
  const zone = /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(timezone) ? timezone : "UTC";
  const safeZone = (() => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return zone;
    } catch {
      return "UTC";
    }
  })();
  return html`<div class="card notice" id="keyword-preview" role="status">
<h2>Keyword preview</h2>
<p class="muted">${p.keywords.length === 0 ? "No keywords entered." : `Keywords: ${clip(p.keywords.join(", "), 400)}.`} ${p.scanned} release(s) of the last ${p.days} days checked with the planner's matcher; nothing was saved.</p>
${
  p.matches.length === 0
    ? html`<p>No recent release would match.</p>`
    : html`<ul>${p.matches.map(
        ({ release, match }) =>
          html`<li><a href="/releases/${release.id}">${clip(release.title, 200)}</a> <span class="muted">${clip(release.wire, 60)} · ${formatInZone(release.detectedAt, safeZone)} · ${
            match.reason === "bound-feed" ? "on this client's own feed" : `matched ${clip(match.matched.map((x) => `“${x.keyword}” in the ${x.field}`).join(", "), 300)}`
          }</span></li>`,
      )}</ul>`
}
</div>`;
}
