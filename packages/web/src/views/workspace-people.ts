import { html } from "hono/html";
import type { Access, ClientConfig, Grant } from "@pressbridge/core";
import { formError, inputField, notice, selectField, workspacePage, type FormErrors, type Html } from "./workspace-layout.ts";

export interface PersonForm {
  email: string;
  role: string;
  clientId: string;
}

export const EMPTY_PERSON_FORM: PersonForm = { email: "", role: "approver", clientId: "" };

/** One grant as the page shows it: where it comes from decides how it is taken away. */
export interface ShownGrant {
  grant: Grant;
  /** "stored": a grant on the person; "approver": in the client's approvers; "owner": the client's owner (change it in the settings). */
  source: "stored" | "approver" | "owner";
}

export interface PeoplePageModel {
  access: Access;
  members: ReadonlyArray<{ email: string; name: string | undefined; grants: ShownGrant[] }>;
  clients: readonly ClientConfig[];
  form: PersonForm;
  errors: FormErrors;
  message?: string | undefined;
}

function grantLabel(g: Grant): string {
  return g.role === "admin" ? "admin" : `${g.role} of ${g.clientId}`;
}

/** Everyone with a role on the person's clients, each role removable; and the form to add one. */
export function peoplePage(m: PeoplePageModel): Html {
  const e = m.errors;
  const roles = [
    { value: "approver", label: "Approver (reviews the client's plans)" },
    { value: "lead", label: "Lead (manages the client)" },
    ...(m.access.isAdmin ? [{ value: "admin", label: "Admin (everything)" }] : []),
  ];
  const clients = [{ value: "", label: m.access.isAdmin ? "— (none, for an admin)" : "— choose —" }, ...m.clients.map((c) => ({ value: c.id, label: `${c.name} (${c.id})` }))];
  const body = html`<h1>People</h1>
${notice(m.message)}
<div class="card">${
    m.members.length === 0
      ? html`<p class="muted">Nobody yet.</p>`
      : html`<table class="stack" id="people"><tr><th>Person</th><th>Roles</th></tr>
${m.members.map(
  (p) => html`<tr><td data-label="Person">${p.email}${p.name === undefined ? "" : html`<br><span class="muted">${p.name}</span>`}</td><td data-label="Roles">${p.grants.map(
    (g) => html`<div class="actions" style="margin-bottom:4px"><span class="pill">${grantLabel(g.grant)}</span>${
      g.source === "owner"
        ? html`<span class="muted">as the owner (change it in the client's settings)</span>`
        : g.grant.role === "admin" && !m.access.isAdmin
          ? ""
          : html`<form method="post" action="/workspace/people/revoke" class="inline"><input type="hidden" name="email" value="${p.email}"><input type="hidden" name="role" value="${g.grant.role}"><input type="hidden" name="clientId" value="${g.grant.role === "admin" ? "" : g.grant.clientId}"><button type="submit" class="small" aria-label="Remove ${grantLabel(g.grant)} from ${p.email}">Remove</button></form>`
    }</div>`,
  )}</td></tr>`,
)}</table>`
  }</div>
<form method="post" action="/workspace/people" class="card" id="person-form" novalidate>
<h2>Add a role</h2>
${formError(e)}
${inputField("email", "Email", m.form.email, e, { type: "email", required: true, autocomplete: "off", maxlength: 254 })}
${selectField("role", "Role", m.form.role, roles, e)}
${selectField("clientId", "Client", m.form.clientId, clients, e)}
<p><button type="submit" class="approve">Add role</button></p>
</form>`;
  return workspacePage("People", m.access, "people", body);
}
