import { mkdirSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DynamoApprovalStore,
  DynamoEventOutbox,
  DynamoPlanStore,
  DynamoReleaseStore,
  DynamoWorkspaceStore,
  LocalEventBus,
  createDynamoClient,
  ensureTable,
  freePort,
} from "@pressbridge/adapters";
import { ROUTES, approversFromConfig, configOf, importWorkspace, parseWorkspaceFile, replanRelease, NO_MEDIA_LISTS, type ReviewDeps, type SigningKeys } from "@pressbridge/core";
import { createWebApp, startWebServer, type RunningWebServer } from "@pressbridge/web";
import { launchBrowser, skipBrowserTests } from "../support/browser.ts";
import { memorySignIn } from "../support/memory-sessions.ts";
import { newRelease } from "../support/releases.ts";

/**
 * The workspace pages in headless Chromium, on DynamoDB Local: an admin signs in (the emailed link),
 * adds a client (a validation error first, shown next to its field with the typed values kept), a
 * feed and an approver, uploads a media list, plans a release that matched nobody for the new client,
 * and the log of changes shows each change. Every page is looked at on a phone (390 px) and a desktop
 * (1280 px): none scrolls sideways, every control has a label. Screenshots: test-artifacts/workspace-*.png.
 */
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts");
const ADMIN = "admin@agency.example";
const NOW = Date.parse("2026-11-10T12:00:00.000Z");
const keys: SigningKeys = { current: { id: "k1", secret: "w".repeat(40) }, previous: [] };

describe.skipIf(skipBrowserTests())("workspace pages in the browser (headless Chromium)", () => {
  let browser: Browser | undefined;
  let web: RunningWebServer;
  let client: ReturnType<typeof createDynamoClient>;
  let tableName: string;
  let workspace: DynamoWorkspaceStore;
  let plans: DynamoPlanStore;
  const signIn = memorySignIn();

  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
    client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
    tableName = `ws-${randomUUID()}`;
    await ensureTable(client, tableName);
    workspace = new DynamoWorkspaceStore({ client, tableName });
    const releases = new DynamoReleaseStore({ client, tableName });
    plans = new DynamoPlanStore({ client, tableName });
    const approvals = new DynamoApprovalStore({ client, tableName });
    const outbox = new DynamoEventOutbox({ client, tableName });
    const clock = { now: () => new Date(NOW) };
    const bus = new LocalEventBus({ routes: ROUTES });
    await importWorkspace({ workspace, clock }, parseWorkspaceFile({ people: [{ email: ADMIN, grants: [{ role: "admin" }] }] }), "test");
    // A release on a shared wire that matched no client: the new client's page will plan it.
    await releases.createRelease({ ...newRelease("r_orphan_0001", new Date(NOW - 2 * 3_600_000).toISOString(), { title: "Initech unveils <b>rocket</b> engine, \"quoted\"" }), sources: [{ feedId: "wire", url: "https://wire.example/r_orphan_0001", seenAt: new Date(NOW - 2 * 3_600_000).toISOString() }] });
    await plans.recordReleasePlanning("r_orphan_0001", { plannedAt: new Date(NOW - 3_600_000).toISOString(), clientIds: [], planIds: [] });

    const review = {
      plans,
      approvals,
      outbox,
      bus,
      clock,
      keys,
      currentApprovers: async (clientId: string) => approversFromConfig(configOf(await workspace.load()))(clientId),
    } satisfies ReviewDeps;
    const port = await freePort();
    const app = createWebApp({
      review,
      workspace,
      baseUrl: `http://127.0.0.1:${port}`,
      signIn: signIn.deps,
      dashboard: { audits: { plansByDeadline: async () => [], latestReport: async () => undefined }, plans, releases, feedStates: releases, clock },
      releasePages: {
        releases,
        replan: async (request) => replanRelease({ config: configOf(await workspace.load()), releases, plans, bus, outbox, clock, mediaLists: NO_MEDIA_LISTS }, request),
      },
    });
    web = await startWebServer(app, { port });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await client?.send(new DeleteTableCommand({ TableName: tableName }));
    client?.destroy();
  });

  /** No sideways scrolling, and every visible input, select and textarea has a label. */
  async function checkLayout(page: Page, name: string): Promise<void> {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      expect(overflow, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, `workspace-${name}-${width}.png`), fullPage: true });
    }
    const unlabelled = await page.locator("input:not([type=hidden]), textarea, select").evaluateAll((els) =>
      els.filter((e) => (e as unknown as { labels: unknown[] }).labels.length === 0 && e.getAttribute("aria-label") === null).map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(unlabelled, name).toEqual([]);
  }

  it("an admin adds a client, a feed and an approver, uploads a media list, and the log shows each change", async () => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));

    // Signed out, the workspace asks for sign-in; the emailed link's button signs in.
    expect((await page.goto(`${web.url}/workspace`))!.status()).toBe(401);
    await page.getByLabel("Email address").fill(ADMIN);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.waitForLoadState();
    const link = /https?:\/\/\S+\/signin\/link\S*/.exec(signIn.mailer.sent.at(-1)!.text)![0];
    await page.goto(link);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${web.url}/workspace`);
    await checkLayout(page, "clients-empty");

    // Add a client: a bad owner first; the error sits next to its field and nothing typed is lost.
    await page.getByRole("link", { name: "Add a client" }).click();
    await page.getByLabel("Client id").fill("initech");
    await page.getByLabel("Name", { exact: true }).fill("Initech");
    await page.getByLabel("Owner (lead) email").fill("not-an-email");
    await page.getByLabel("Approvers").fill("first.approver@initech.example");
    await page.getByLabel("Keywords").fill("Initech\nTPS reports");
    await page.getByLabel("Locations (countries)").fill("US, CA");
    await page.getByRole("checkbox", { name: "Instagram" }).uncheck();
    await page.getByRole("button", { name: "Add client" }).click();
    await page.waitForLoadState();
    await expect.poll(() => page.locator("#owner-error").textContent()).toBeTruthy();
    expect(await page.getByLabel("Owner (lead) email").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Keywords").inputValue()).toBe("Initech\nTPS reports");
    expect(await page.getByLabel("Locations (countries)").inputValue()).toBe("US, CA");
    expect(await page.getByRole("checkbox", { name: "Instagram" }).isChecked()).toBe(false);
    await checkLayout(page, "client-error");

    // The keyword preview finds the orphan release (as text: its markup is escaped), saving nothing.
    await page.getByRole("button", { name: "Preview keyword matches" }).click();
    await page.waitForLoadState();
    expect(await page.locator("#keyword-preview").textContent()).toContain('Initech unveils <b>rocket</b> engine, "quoted"');
    expect((await workspace.load()).clients).toEqual([]);
    await checkLayout(page, "client-preview");

    await page.getByLabel("Owner (lead) email").fill("lead@agency.example");
    await page.getByRole("button", { name: "Add client" }).click();
    await page.waitForURL(`${web.url}/workspace/clients/initech?saved=created`);
    expect(await page.locator("#notice").textContent()).toContain("Client added.");
    const initech = (await workspace.load()).clients.find((c) => c.id === "initech")!;
    expect(initech.adDefaults.locations).toEqual(["US", "CA"]);
    expect(initech.channels).not.toContain("instagram");
    await checkLayout(page, "client");

    // A feed for the client.
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Feeds" }).click();
    await page.getByLabel("Feed id").fill("initech-newsroom");
    await page.getByLabel("Feed URL (RSS or Atom)").fill("https://initech.example/news.xml");
    await page.getByLabel("Client").selectOption("initech");
    await page.getByLabel("Poll every (seconds)").fill("300");
    await page.getByRole("button", { name: "Add feed" }).click();
    await page.waitForURL(`${web.url}/workspace/feeds?added=initech-newsroom`);
    expect(await page.locator("#feed-initech-newsroom").textContent()).toContain("not polled yet");
    await checkLayout(page, "feeds");

    // An approver.
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "People" }).click();
    await page.getByLabel("Email").fill("second.approver@initech.example");
    await page.getByLabel("Role").selectOption("approver");
    await page.getByLabel("Client").selectOption("initech");
    await page.getByRole("button", { name: "Add role" }).click();
    await page.waitForURL(/\/workspace\/people\?done=granted/);
    expect(await page.locator("#notice").textContent()).toContain("second.approver@initech.example is now approver of initech.");
    expect((await workspace.load()).clients.find((c) => c.id === "initech")!.approvers).toEqual(["first.approver@initech.example", "second.approver@initech.example"]);
    await checkLayout(page, "people");

    // A media list: BOM, a quoted comma, a bad email line, a duplicate.
    const csvPath = join(ARTIFACTS, "workspace-media-list.csv");
    writeFileSync(csvPath, '\uFEFFname,email,outlet,beat,x_handle\r\nJane Doe,jane.doe@news.example,"Daily News, Tech",tech,@janedoe\r\nBad,nope,,,\r\nJane,Jane.Doe@news.example,,,\r\n');
    await page.goto(`${web.url}/workspace/clients/initech/media-list`);
    await page.getByLabel("CSV file").setInputFiles(csvPath);
    await page.getByRole("button", { name: "Upload" }).click();
    await page.waitForLoadState();
    const result = await page.locator("#import-result").textContent();
    expect(result).toContain("Imported 1 contact(s)");
    expect(result).toContain("1 duplicate(s) merged");
    expect(result).toContain("Line 3: invalid email address");
    const contacts = await page.locator("#contacts").textContent();
    expect(contacts).toContain("j•••e@news.example");
    expect(contacts).toContain("Daily News, Tech");
    expect(await page.content()).not.toMatch(/jane\.doe@news/i);
    await checkLayout(page, "media-list");

    // The orphan release, planned for the new client.
    await page.goto(`${web.url}/releases/r_orphan_0001`);
    expect(await page.locator("#plans").textContent()).toContain("matched no client");
    await checkLayout(page, "release");
    await page.getByLabel("Client").selectOption("initech");
    await page.getByRole("button", { name: "Plan for this client" }).click();
    await page.waitForURL(/\/releases\/r_orphan_0001\?planned=created/);
    expect(await page.locator("#notice").textContent()).toContain("Planned for initech");
    expect(await page.locator("#plans").textContent()).toContain("Initech");
    await page.goto(`${web.url}/releases`);
    await checkLayout(page, "releases");

    // The log: each change, by whom.
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Log of changes" }).click();
    const log = await page.locator("#log").textContent();
    expect(log).toContain("added client initech");
    expect(log).toContain("added feed initech-newsroom");
    expect(log).toContain("made second.approver@initech.example approver of initech");
    expect(log).toContain("imported the media list of initech");
    expect(log).toContain(ADMIN);
    await checkLayout(page, "log");

    expect(problems).toEqual([]);
    await context.close();
  });
});
