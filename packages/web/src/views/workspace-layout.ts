import { html, raw } from "hono/html";
import type { Access } from "@pressbridge/core";
import { layout } from "./layout.ts";

export type Html = ReturnType<typeof html>;

/**
 * What every workspace page shares: its sub-navigation, form styles that fit a 390 px phone (inputs
 * full width, tables that stack into labelled rows), and the field helpers that put a validation
 * error next to its input with the typed value kept.
 */
const STYLE = `
nav.ws{display:flex;flex-wrap:wrap;gap:8px 16px;margin:0 0 16px}nav.ws a{color:#12263a}nav.ws a[aria-current]{font-weight:bold;text-decoration:none}
.field{margin:0 0 14px}.field label,.field legend{display:block;font-weight:600;font-size:14px;margin-bottom:4px}
.field input[type=text],.field input[type=email],.field input[type=url],.field input[type=number],.field select,.field textarea{width:100%;max-width:36em;box-sizing:border-box;font-size:16px;padding:8px;border:1px solid #8895a7;border-radius:4px}
.field textarea{min-height:84px;font:15px/1.4 system-ui,sans-serif}
.field .hint{font-size:13px;color:#5b6475;margin:2px 0 0}
.field.invalid input,.field.invalid textarea,.field.invalid select{border-color:#a3262f;border-width:2px}
.field-error{color:#a3262f;font-weight:600;font-size:14px;margin:4px 0 0}
fieldset{border:1px solid #dde1e7;border-radius:6px;padding:8px 12px;margin:0 0 14px;min-width:0}
.checks{display:flex;flex-wrap:wrap;gap:6px 18px}.checks label{font-weight:normal;display:inline-flex;gap:6px;align-items:center;font-size:15px}
.row{display:flex;flex-wrap:wrap;gap:0 16px}.row>.field{flex:1 1 9em;min-width:0}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
button.danger{background:#a3262f;color:#fff;border-color:#a3262f}button.small{font-size:13px;padding:4px 10px}
td,th,li,p{overflow-wrap:anywhere}
form.inline{display:inline}
@media (max-width:640px){
 main{margin:12px auto;padding:0 8px}.card{padding:12px}
 table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:auto}
 table.stack tr:first-child:has(th){display:none}
 table.stack tr{border-bottom:1px solid #dde1e7;padding:6px 0}
 table.stack td{border:0;padding:2px 0}
 table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#5b6475}
}
`;

export type WorkspaceSection = "clients" | "feeds" | "people" | "log" | "releases";

/** A workspace page: the shell, its sub-navigation, and the form styles. */
export function workspacePage(title: string, access: Access, current: WorkspaceSection | undefined, body: Html): Html {
  const link = (section: WorkspaceSection, href: string, label: string) =>
    html`<a href="${href}"${section === current ? raw(' aria-current="page"') : ""}>${label}</a>`;
  return layout(
    title,
    html`<style>${raw(STYLE)}</style>
<nav class="ws" aria-label="Workspace">${link("clients", "/workspace", "Clients")}${link("feeds", "/workspace/feeds", "Feeds")}${link("people", "/workspace/people", "People")}${link("log", "/workspace/log", "Log of changes")}${link("releases", "/releases", "Releases")}<span class="muted">${access.email}${access.isAdmin ? " (admin)" : " (lead)"}</span></nav>
${body}`,
    { access },
  );
}

/** The refusal: signed in, but this page or client is not theirs. */
export function forbiddenPage(access: Access | undefined, text: string): Html {
  return layout("Not allowed", html`<div class="card error" role="alert"><h1>Not allowed</h1><p>${text}</p>${access === undefined ? "" : html`<p class="muted">Signed in as ${access.email}.</p>`}</div>`, { access });
}

/** Field errors by form key, and one error that belongs to no field. */
export interface FormErrors {
  fields: Readonly<Record<string, string>>;
  form?: string | undefined;
}

export const NO_ERRORS: FormErrors = { fields: {} };

function errorOf(errors: FormErrors, name: string): Html | string {
  const text = errors.fields[name];
  return text === undefined ? "" : html`<p class="field-error" id="${name}-error" role="alert">${text}</p>`;
}

function described(errors: FormErrors, name: string, hint: string | undefined): Html | string {
  const ids = [hint === undefined ? "" : `${name}-hint`, errors.fields[name] === undefined ? "" : `${name}-error`].filter((x) => x !== "").join(" ");
  return ids === "" ? "" : html` aria-describedby="${ids}"`;
}

export interface InputOptions {
  type?: "text" | "email" | "url" | "number";
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  inputmode?: "numeric" | "decimal" | "email" | "url";
  maxlength?: number;
}

/** A labelled input with its hint and, when the last submit failed on it, its error right below. */
export function inputField(name: string, label: string, value: string, errors: FormErrors, o: InputOptions = {}): Html {
  const invalid = errors.fields[name] !== undefined;
  return html`<div class="field${invalid ? " invalid" : ""}"><label for="f-${name}">${label}</label>
<input type="${o.type ?? "text"}" id="f-${name}" name="${name}" value="${value}"${o.required === true ? raw(" required") : ""}${o.autocomplete === undefined ? "" : html` autocomplete="${o.autocomplete}"`}${o.inputmode === undefined ? "" : html` inputmode="${o.inputmode}"`} maxlength="${o.maxlength ?? 300}"${invalid ? raw(' aria-invalid="true"') : ""}${described(errors, name, o.hint)}>
${o.hint === undefined ? "" : html`<p class="hint" id="${name}-hint">${o.hint}</p>`}${errorOf(errors, name)}</div>`;
}

/** A labelled textarea (one entry per line). */
export function textareaField(name: string, label: string, value: string, errors: FormErrors, hint?: string): Html {
  const invalid = errors.fields[name] !== undefined;
  return html`<div class="field${invalid ? " invalid" : ""}"><label for="f-${name}">${label}</label>
<textarea id="f-${name}" name="${name}" maxlength="20000"${invalid ? raw(' aria-invalid="true"') : ""}${described(errors, name, hint)}>${value}</textarea>
${hint === undefined ? "" : html`<p class="hint" id="${name}-hint">${hint}</p>`}${errorOf(errors, name)}</div>`;
}

/** A labelled select. */
export function selectField(name: string, label: string, value: string, options: ReadonlyArray<{ value: string; label: string }>, errors: FormErrors, hint?: string): Html {
  const invalid = errors.fields[name] !== undefined;
  return html`<div class="field${invalid ? " invalid" : ""}"><label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}"${invalid ? raw(' aria-invalid="true"') : ""}${described(errors, name, hint)}>${options.map((o) => html`<option value="${o.value}"${o.value === value ? raw(" selected") : ""}>${o.label}</option>`)}</select>
${hint === undefined ? "" : html`<p class="hint" id="${name}-hint">${hint}</p>`}${errorOf(errors, name)}</div>`;
}

/** A group of labelled checkboxes. */
export function checksField(name: string, legend: string, options: ReadonlyArray<{ value: string; label: string }>, checked: readonly string[], errors: FormErrors, hint?: string): Html {
  const invalid = errors.fields[name] !== undefined;
  return html`<fieldset class="field${invalid ? " invalid" : ""}"${described(errors, name, hint)}><legend>${legend}</legend><div class="checks">${options.map(
    (o) => html`<label><input type="checkbox" name="${name}" value="${o.value}"${checked.includes(o.value) ? raw(" checked") : ""}> ${o.label}</label>`,
  )}</div>${hint === undefined ? "" : html`<p class="hint" id="${name}-hint">${hint}</p>`}${errorOf(errors, name)}</fieldset>`;
}

/** The error that belongs to no field, at the top of the form. */
export function formError(errors: FormErrors): Html | string {
  return errors.form === undefined ? "" : html`<p class="card error" role="alert" id="form-error">${errors.form}</p>`;
}

/** A notice after a change ("Saved."). */
export function notice(text: string | undefined): Html | string {
  return text === undefined ? "" : html`<p class="card notice" role="status" id="notice">${text}</p>`;
}

/** Text from feeds and people, cut to a length a page can show. */
export function clip(text: string | null | undefined, max = 300): string {
  if (text === null || text === undefined) return "";
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A confirmation page for a destructive POST: says what will go, and asks for the click. */
export function confirmPage(access: Access, m: { title: string; text: string; action: string; button: string; back: string; confirmValue: string; section: WorkspaceSection }): Html {
  return workspacePage(
    m.title,
    access,
    m.section,
    html`<div class="card"><h1>${m.title}</h1><p>${m.text}</p>
<form method="post" action="${m.action}">
<div class="field"><label><input type="checkbox" name="confirm" value="${m.confirmValue}" required> Yes, I understand this cannot be undone</label></div>
<p class="actions"><button type="submit" class="danger">${m.button}</button> <a href="${m.back}">Cancel</a></p>
</form></div>`,
  );
}
