import { html, raw } from "hono/html";
import { managesAnyClient, type Access } from "@pressbridge/core";

type Html = ReturnType<typeof html>;

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#12263a;color:#fff;padding:12px 24px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center}
header a{color:#cfe3ff;text-decoration:none}header strong{font-size:18px}
header nav{display:flex;flex-wrap:wrap;gap:8px 20px}
@media (max-width:640px){header{padding:10px 12px;gap:6px 16px}header nav{gap:6px 14px}}
main{max-width:980px;margin:24px auto;padding:0 16px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:16px 20px;margin-bottom:16px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:0 0 8px}
.muted{color:#5b6475;font-size:14px}.pill{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;background:#e8edf5}
.pending_approval{background:#fff3cd}.approved,.published{background:#d1f0da}.rejected,.publish_failed{background:#f8d7da}
input[type=password],input[type=email]{width:100%;max-width:36em;box-sizing:border-box;font-size:16px;padding:8px;margin-top:4px}
code,a.mail-link{overflow-wrap:anywhere}
p,li{overflow-wrap:break-word}
textarea{width:100%;box-sizing:border-box;min-height:60px;font:14px/1.4 ui-monospace,Menlo,monospace}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f8f9fb;padding:8px;border-radius:4px}
button{font-size:15px;padding:8px 16px;border-radius:6px;border:1px solid #8895a7;background:#fff;cursor:pointer}
button.approve{background:#1f7a3a;color:#fff;border-color:#1f7a3a}button.reject{background:#a3262f;color:#fff;border-color:#a3262f}
.error{background:#fde8ea;border-color:#e5a0a6}.notice{background:#e9f5ec;border-color:#9fd0ad}
td.bad{color:#a3262f;font-weight:bold}td.warn{color:#9a5b00;font-weight:bold}svg{max-width:100%;height:auto}
fieldset#schedule{border:1px solid #dde1e7;border-radius:6px;padding:8px 12px;margin:0 0 12px;min-width:0}
.when{border-top:1px solid #eceff3;padding:8px 0}.when:first-of-type{border-top:0}.when.invalid{border-left:3px solid #a3262f;padding-left:8px}
.when .row{display:flex;flex-wrap:wrap;gap:4px 16px}.when label{display:block;font-size:14px;margin:4px 0;flex:1 1 12em;min-width:0}
.when select,.when input{display:block;width:100%;max-width:24em;box-sizing:border-box;font-size:16px;padding:6px;margin-top:2px}
span.warn{color:#9a5b00}p.error{padding:6px 8px;border-radius:4px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #eceff3;font-size:14px;vertical-align:top}
`;

export interface LayoutOptions {
  /** false: no navigation (sign-in and review pages, reached without a session). */
  nav?: boolean;
  /** Who is signed in: admins and leads get the Dashboard and Workspace links. Absent: neither. */
  access?: Access | undefined;
}

/** The page shell. Every value interpolated with `html` is escaped; only this file's constants are raw. */
export function layout(title: string, body: Html, options: LayoutOptions = {}): Html {
  // The dashboard and the workspace are for admins and leads; an approver's header has neither (both would answer 403).
  const manages = options.access !== undefined && managesAnyClient(options.access);
  const workspace = manages ? html`<a href="/dashboard">Dashboard</a><a href="/workspace">Workspace</a>` : "";
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Pressbridge</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><strong>Pressbridge</strong>${options.nav === false ? "" : html`<nav aria-label="Main"><a href="/queue">Approval queue</a>${workspace}<a href="/outbox">Outbox</a><a href="/signout">Sign out</a></nav>`}</header>
<main>${body}</main>
</body>
</html>`;
}
