import { mkdirSync } from "node:fs";
import { addPeople, memorySignIn } from "../support/memory-sessions.ts";
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoApprovalStore, DynamoAuditStore, DynamoPlanStore, DynamoReleaseStore, LocalEventBus, createDynamoClient, ensureTable, freePort, DynamoEventOutbox } from "@pressbridge/adapters";
import { ROUTES, approversFromConfig, type AmplificationPlan, type ReviewDeps } from "@pressbridge/core";
import { createWebApp, startWebServer, type RunningWebServer } from "@pressbridge/web";
import { HOUR, T0, approve, at, config, feedState, plan, publish, reject, release } from "../support/audit-fixtures.ts";
import { launchBrowser, skipBrowserTests } from "../support/browser.ts";
import { memoryWorkspace } from "../support/memory-workspace.ts";

/**
 * The audit dashboard in headless Chromium, with data in DynamoDB Local: releases in every state
 * over two weeks, the index with each client's figures, a client's page with its SVG timeline and
 * lists, the exports, and the operator token (the browser signs in through the sign-in page).
 * Screenshots go to test-artifacts/dashboard*.png.
 */
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts");
const ADMIN = "admin@agency.example";
const signIn = memorySignIn();
const NOW = T0 + 10 * 24 * HOUR;
const HOSTILE = `<img src=x onerror="document.title='pwned'"> =SUM(A1:A9) Acme, "quoted"`;

describe.skipIf(skipBrowserTests())("audit dashboard in the browser (headless Chromium)", () => {
  let browser: Browser | undefined;
  let web: RunningWebServer;
  let client: ReturnType<typeof createDynamoClient>;
  let tableName: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
    client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
    tableName = `dash-${randomUUID()}`;
    await ensureTable(client, tableName);
    const releases = new DynamoReleaseStore({ client, tableName });
    const plans = new DynamoPlanStore({ client, tableName });
    const audits = new DynamoAuditStore({ client, tableName });
    const approvals = new DynamoApprovalStore({ client, tableName });
    const outbox = new DynamoEventOutbox({ client, tableName });

    // Acme: a release every ~14 h for ten days, cycling through the states.
    const day = 24;
    const made: AmplificationPlan[] = [];
    for (let i = 0; i < 16; i++) {
      const detected = i * 14 - 2 * day;
      const p = plan(`p_${String(i).padStart(2, "0")}`, detected, i === 13 ? { release: { ...plan("x", detected).release, title: HOSTILE } } : {});
      const state = i % 5;
      if (state === 0) {
        approve(p, detected + 2 + (i % 3));
        publish(p, detected + 3 + (i % 3), "published");
      } else if (state === 1) {
        approve(p, detected + 75);
        if (detected + 76 < 10 * day) publish(p, detected + 76, "published");
      } else if (state === 2) {
        reject(p, detected + 6);
      } else if (state === 3 && i > 10) {
        approve(p, detected + 1);
        publish(p, detected + 1.5, "failed");
      } else if (state === 4) {
        approve(p, detected + 8);
        publish(p, detected + 9, "published", true);
      }
      made.push(p);
    }
    made.push(plan("p_open", 8 * day), plan("p_globex", 9 * day, {}, "globex"));
    for (const p of made) {
      await plans.createPlan(p);
      const detectedHours = (Date.parse(p.release.detectedAt) - T0) / HOUR;
      await releases.createRelease(release(p.releaseId, detectedHours));
      await plans.recordReleasePlanning(p.releaseId, { plannedAt: p.createdAt, clientIds: [p.clientId], planIds: [p.id] });
    }
    await releases.createRelease(release("r_unplanned", 9 * day, { clientId: "acme", title: "Acme release the planner never saw" }));
    await releases.putFeedState(feedState("acme-newsroom", { lastNewItemAt: at(9 * day) }), undefined);
    await releases.putFeedState(feedState("prn", { lastNewItemAt: at(2 * day) }), undefined);

    const clock = { now: () => new Date(NOW) };
    const review = { plans, approvals, outbox, bus: new LocalEventBus({ routes: ROUTES }), clock, keys: { current: { id: "k", secret: "s".repeat(40) }, previous: [] }, currentApprovers: approversFromConfig(config) } satisfies ReviewDeps;
    const port = await freePort();
    const app = createWebApp({
      review,
      workspace: (() => {
        const ws = memoryWorkspace(config);
        addPeople(ws, { email: ADMIN, grants: [{ role: "admin" }] });
        return ws;
      })(),
      baseUrl: `http://127.0.0.1:${port}`,
      signIn: signIn.deps,
      dashboard: { audits, plans, releases, feedStates: releases, clock },
    });
    web = await startWebServer(app, { port });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await client?.send(new DeleteTableCommand({ TableName: tableName }));
    client?.destroy();
  });

  it("needs a signed-in admin or lead", async () => {
    const res = await fetch(`${web.url}/dashboard`);
    expect(res.status).toBe(401);
    const csv = await fetch(`${web.url}/dashboard/acme.csv`);
    expect(csv.status).toBe(401);
  });

  it("renders the index and a client's timeline, lists and figures, and exports CSV and JSON", async () => {
    const context = await browser!.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));

    // Not signed in: the dashboard answers with the sign-in form, which comes back here after.
    const refused = await page.goto(`${web.url}/dashboard?weeks=2`);
    expect(refused!.status()).toBe(401);
    await page.getByLabel("Email address").fill(ADMIN);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.goto(/http:\/\/\S+\/signin\/link\?token=\S+/.exec(signIn.mailer.sent.at(-1)!.text)![0]);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${web.url}/dashboard?weeks=2`);
    page.on("response", (res) => {
      if (res.status() >= 400 && !res.url().endsWith("/favicon.ico")) problems.push(`HTTP ${res.status()} ${res.url()}`);
    });
    const rows = page.locator("#clients tr");
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(1).locator("td").first().textContent()).toBe("Acme Corp");
    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });

    await page.click("text=Acme Corp");
    await page.waitForURL(`${web.url}/dashboard/acme`);
    expect(await page.locator("h1").textContent()).toBe("Acme Corp");
    // The timeline: one group per release with its markers, drawn on the server.
    const releasesDrawn = page.locator("svg#timeline g.release");
    expect(await releasesDrawn.count()).toBeGreaterThanOrEqual(10);
    expect(await page.locator("svg#timeline g.release.in-time").count()).toBeGreaterThan(0);
    expect(await page.locator("svg#timeline g.release.missed").count()).toBeGreaterThan(0);
    expect(await page.locator("svg#timeline path.approved").count()).toBeGreaterThan(0);
    expect(await page.locator("svg#timeline rect.published").count()).toBeGreaterThan(0);
    expect(await page.locator("svg#timeline line.deadline").count()).toBe(await releasesDrawn.count());
    // Lists: the unplanned release is at risk, the missed windows are listed, the hostile title is text.
    expect(await page.locator("#at-risk").textContent()).toContain("Acme release the planner never saw");
    expect(await page.locator("#missed tr.finding").count()).toBeGreaterThan(0);
    expect(await page.locator("#missed").textContent()).toContain("Rejected by social@acme.example");
    expect(await page.locator("#missed").textContent()).toContain(`<img src=x onerror="document.title='pwned'">`);
    expect(await page.title()).not.toBe("pwned");
    expect(await page.locator("#feed-health").textContent()).toContain("PR Newswire");
    // Deadlines in the client's time zone.
    expect(await page.locator("#missed tr.finding td").nth(1).textContent()).toMatch(/ E[SD]T/);
    expect(await page.locator("#figures").textContent()).toMatch(/\d+%/);
    expect(await page.locator("#figures tr").count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-client.png"), fullPage: true });

    const csv = await page.request.get(`${web.url}/dashboard/acme.csv`);
    expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    const text = await csv.text();
    const lines = text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("client_id,plan_id,release_id,title,wire,status,outcome,detected_at,approved_at,rejected_at,published_at,deadline_utc,deadline_local,dry_run");
    expect(text).toContain(`"'<img src=x onerror=""document.title='pwned'""> =SUM(A1:A9) Acme, ""quoted"""`.replace("'<img", "<img"));
    expect(text).not.toMatch(/(^|,)=SUM/m);

    const json = (await (await page.request.get(`${web.url}/dashboard/acme.json`)).json()) as {
      client: { timezone: string };
      figures: { overall: { releases: number }; weeks: Array<{ week: string }> };
      releases: Array<{ outcome: string }>;
      findings: Array<{ kind: string }>;
    };
    expect(json.client.timezone).toBe("America/New_York");
    expect(json.figures.overall.releases).toBe(json.releases.length);
    expect(json.figures.weeks.every((w) => /^\d{4}-W\d{2}$/.test(w.week))).toBe(true);
    expect(new Set(json.releases.map((r) => r.outcome))).toEqual(new Set(["in-time", "late", "missed", "open"]));

    const unknown = await page.request.get(`${web.url}/dashboard/nobody`);
    expect(unknown.status()).toBe(404);
    expect(problems).toEqual([]);
    await context.close();
  });
});
