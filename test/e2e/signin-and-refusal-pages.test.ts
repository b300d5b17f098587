import { mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoApprovalStore, DynamoPlanStore, LocalEventBus, createDynamoClient, ensureTable, freePort, DynamoEventOutbox } from "@pressbridge/adapters";
import { ROUTES, approversFromConfig, parseConfig, signApprovalToken, type ReviewDeps, type SigningKeys } from "@pressbridge/core";
import { createWebApp, startWebServer, type RunningWebServer } from "@pressbridge/web";
import { T0, config, plan } from "../support/audit-fixtures.ts";
import { launchBrowser, skipBrowserTests } from "../support/browser.ts";
import { memoryWorkspace } from "../support/memory-workspace.ts";
import { addPeople, memorySignIn } from "../support/memory-sessions.ts";

/**
 * The pages of email sign-in and the current-approver check, in headless Chromium on a phone (390 px)
 * and a desktop (1280 px): the sign-in a protected page answers with, a malformed address (kept in
 * the field, the error next to it), "check your email", the emailed link's "Sign in" button, and the
 * refusal a removed approver's link gets. None may scroll sideways, and every field has a label.
 * Screenshots: test-artifacts/<page>-<width>.png.
 */
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts");
const ADMIN = "admin@agency.example";
const signIn = memorySignIn();
const keys: SigningKeys = { current: { id: "k1", secret: "s".repeat(40) }, previous: [] };
const REMOVED = "pr-lead@acme.example";
const clock = { now: () => new Date(T0 + 3_600_000) };

function withAdmin(ws: ReturnType<typeof memoryWorkspace>) {
  addPeople(ws, { email: ADMIN, grants: [{ role: "admin" }] });
  return ws;
}

describe.skipIf(skipBrowserTests())("sign-in and refusal pages in the browser (headless Chromium)", () => {
  let browser: Browser | undefined;
  let web: RunningWebServer;
  let client: ReturnType<typeof createDynamoClient>;
  let tableName: string;
  let removedLink: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
    client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
    tableName = `pages-${randomUUID()}`;
    await ensureTable(client, tableName);
    const plans = new DynamoPlanStore({ client, tableName });
    const approvals = new DynamoApprovalStore({ client, tableName });
    const outbox = new DynamoEventOutbox({ client, tableName });
    const p = plan("p_pages0000000001", 0);
    await plans.createPlan(p);
    // The plan was made while the PR lead approved for Acme; the running config no longer lists them.
    expect(p.approvers).toContain(REMOVED);
    const acme = config.clients.find((c) => c.id === "acme")!;
    const current = parseConfig({ ...config, clients: config.clients.map((c) => (c.id === "acme" ? { ...acme, approvers: acme.approvers.filter((a) => a !== REMOVED) } : c)) });
    const review = { plans, approvals, outbox, bus: new LocalEventBus({ routes: ROUTES }), clock, keys, currentApprovers: approversFromConfig(current) } satisfies ReviewDeps;
    const port = await freePort();
    web = await startWebServer(createWebApp({ review, workspace: withAdmin(memoryWorkspace(current)), baseUrl: `http://127.0.0.1:${port}`, signIn: signIn.deps }), { port });
    removedLink = `${web.url}/review/${signApprovalToken(keys, { planId: p.id, approver: REMOVED, expiresAt: new Date(p.windowDeadline) })}`;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await client?.send(new DeleteTableCommand({ TableName: tableName }));
    client?.destroy();
  });

  /** No sideways scrolling, every form control labelled; then a full-page screenshot. */
  async function check(page: Page, name: string, width: number): Promise<void> {
    const overflow = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
    const unlabelled = await page.locator("input:not([type=hidden]), textarea, select").evaluateAll((els) =>
      els.filter((e) => (e as unknown as { labels: unknown[] }).labels.length === 0 && e.getAttribute("aria-label") === null).map((e) => e.outerHTML),
    );
    expect(unlabelled, `${name}: unlabelled fields`).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }

  for (const width of [390, 1280]) {
    it(`shows the sign-in pages and the removed approver's refusal at ${width} px`, async () => {
      const context = await browser!.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();

      const target = `${web.url}/plans/p_pages0000000001?from=a-long-query-string-that-must-wrap-on-a-phone`;
      const needed = await page.goto(target);
      expect(needed!.status()).toBe(401);
      expect(await page.getByRole("alert").first().textContent()).toContain("This page needs you to sign in.");
      await check(page, "signin-needed", width);

      await page.getByLabel("Email address").fill("admin at agency");
      await page.getByRole("button", { name: "Email me a sign-in link" }).click();
      expect(await page.locator("#email-error").textContent()).toContain("Enter an email address");
      expect(await page.getByLabel("Email address").inputValue()).toBe("admin at agency");
      await check(page, "signin-invalid-email", width);
      expect(await context.cookies()).toEqual([]);

      const before = signIn.mailer.sent.length;
      await page.getByLabel("Email address").fill(ADMIN);
      await page.getByRole("button", { name: "Email me a sign-in link" }).click();
      expect(await page.locator("h1").textContent()).toBe("Check your email");
      await check(page, "signin-sent", width);
      const link = /http:\/\/\S+\/signin\/link\?token=\S+/.exec(signIn.mailer.sent[before]!.text)![0];

      await page.goto(link);
      expect(await context.cookies()).toEqual([]);
      await check(page, "signin-link", width);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(target);
      expect(await page.locator("#status").count()).toBe(1);
      expect((await context.cookies()).map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([["pb_session", true, "Lax"]]);

      const refused = await page.goto(removedLink);
      expect(refused!.status()).toBe(403);
      expect(await page.locator("h1").textContent()).toBe("No longer an approver");
      expect(await page.getByRole("alert").textContent()).toContain("you are no longer an approver for Acme Corp");
      expect(await page.locator("form").count()).toBe(0);
      await check(page, "review-not-approver", width);
      await context.close();
    });
  }
});
