import { html } from "hono/html";
import type { Access, ClientConfig, StoredMediaList } from "@pressbridge/core";
import { csvCell } from "./dashboard-export.ts";
import { formatInZone } from "./format.ts";
import { layout } from "./layout.ts";
import { clip, notice, workspacePage, type FormErrors, type Html } from "./workspace-layout.ts";

export interface MediaListPageModel {
  access: Access;
  client: ClientConfig;
  list: StoredMediaList | undefined;
  errors: FormErrors;
  /** What the upload just did: contacts kept, rows skipped by line, duplicates merged. */
  imported?: { contacts: number; merged: number; skipped: ReadonlyArray<{ line: number; reason: string }> } | undefined;
  message?: string | undefined;
}

const SHOWN_CONTACTS = 500;
const SHOWN_SKIPPED = 100;

/**
 * A client's media list: upload (CSV), the stored contacts with masked emails (the raw addresses are
 * never stored, so never shown), export and delete.
 */
export function mediaListPage(m: MediaListPageModel): Html {
  const fileError = m.errors.fields.file;
  const base = `/workspace/clients/${m.client.id}/media-list`;
  const body = html`<h1>Media list · ${m.client.name}</h1>
<p><a href="/workspace/clients/${m.client.id}">Back to the client's settings</a></p>
${notice(m.message)}
${
  m.imported === undefined
    ? ""
    : html`<div class="card notice" role="status" id="import-result"><h2>Imported ${m.imported.contacts} contact(s)</h2>
<p>${m.imported.merged} duplicate(s) merged · ${m.imported.skipped.length} row(s) skipped</p>
${
  m.imported.skipped.length === 0
    ? ""
    : html`<ul id="skipped-rows">${m.imported.skipped.slice(0, SHOWN_SKIPPED).map((s) => html`<li>Line ${s.line}: ${clip(s.reason, 200)}</li>`)}</ul>${
        m.imported.skipped.length > SHOWN_SKIPPED ? html`<p class="muted">and ${m.imported.skipped.length - SHOWN_SKIPPED} more</p>` : ""
      }`
}</div>`
}
<form method="post" action="${base}" enctype="multipart/form-data" class="card" id="upload-form">
<h2>${m.list === undefined ? "Upload a list" : "Replace the list"}</h2>
<div class="field${fileError === undefined ? "" : " invalid"}"><label for="f-file">CSV file</label>
<input type="file" id="f-file" name="file" accept=".csv,text/csv" required aria-describedby="file-hint${fileError === undefined ? "" : " file-error"}">
<p class="hint" id="file-hint">Columns: name, email, outlet, beat, x_handle (a header row naming them; email is required). At most 2,000 contacts and 2 MB. Emails are stored only as a SHA-256 hash and a masked form.</p>
${fileError === undefined ? "" : html`<p class="field-error" id="file-error" role="alert">${fileError}</p>`}</div>
<p><button type="submit" class="approve">Upload</button></p>
</form>
<div class="card" id="contacts">${
    m.list === undefined
      ? html`<p class="muted">No media list yet.</p>`
      : html`<h2>${m.list.contacts.length} contact(s)</h2>
<p class="muted">From ${clip(m.list.source, 100)}, imported by ${m.list.importedBy} on ${formatInZone(m.list.importedAt, m.client.timezone)}.</p>
<p class="actions"><a href="${base}.csv" download>Export CSV</a> · <a href="${base}/delete">Delete the list</a></p>
<table class="stack"><tr><th>Name</th><th>Email</th><th>Outlet</th><th>Beat</th><th>X</th></tr>
${m.list.contacts.slice(0, SHOWN_CONTACTS).map(
  (c) => html`<tr><td data-label="Name">${clip(c.name, 120) || "—"}</td><td data-label="Email">${c.maskedEmail}</td><td data-label="Outlet">${clip(c.outlet, 120) || "—"}</td><td data-label="Beat">${clip(c.beat, 120) || "—"}</td><td data-label="X">${c.xHandle === undefined ? "—" : `@${clip(c.xHandle, 40)}`}</td></tr>`,
)}</table>${m.list.contacts.length > SHOWN_CONTACTS ? html`<p class="muted">The first ${SHOWN_CONTACTS} are shown; the export has them all.</p>` : ""}`
  }</div>`;
  return workspacePage(`Media list · ${m.client.name}`, m.access, "clients", body);
}

/** The export: the stored fields only (masked emails; the raw ones were never kept), each cell defused. */
export function mediaListCsv(list: StoredMediaList): string {
  const rows = [["name", "masked_email", "outlet", "beat", "x_handle", "email_sha256"]];
  for (const c of list.contacts) rows.push([c.name ?? "", c.maskedEmail, c.outlet ?? "", c.beat ?? "", c.xHandle ?? "", c.emailSha256]);
  return `\uFEFF${rows.map((r) => r.map((v) => csvCell(v)).join(",")).join("\r\n")}\r\n`;
}

/**
 * An upload over the media-list upload's body limit (answered before the request is read, so before
 * sign-in is checked: it shows nothing of the client, only the way back to the upload form).
 */
export function mediaListTooLargePage(clientId: string, maxBytes: number): Html {
  const mb = maxBytes / (1024 * 1024);
  return layout(
    "File too large",
    html`<div class="card error" role="alert" id="too-large"><h1>File too large</h1>
<p>The CSV file is larger than ${mb} MB, the most a media-list upload takes. A list holds at most 2,000 contacts; remove columns other than name, email, outlet, beat and x_handle, or split the list.</p>
<p><a href="/workspace/clients/${clientId}/media-list">Back to the media list</a></p></div>`,
    { nav: false },
  );
}
