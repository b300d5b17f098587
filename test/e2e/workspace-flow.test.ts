import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, skipBrowserTests } from "../support/browser.ts";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";
import { runCli, startCli } from "../support/run-cli.ts";

/**
 * Issue 14's browser acceptance, against the real runtime: `pressbridge start` on a fresh data dir
 * (the test run's DynamoDB Local, a fresh table), a loopback feed server, headless Chromium. An admin
 * (added with `people add --role admin` before start) signs in from the outbox, adds a client, a feed
 * bound to it and an approver, uploads a 2,000-contact media list (over the app-wide 256 KB body
 * limit); the feed's first poll is a baseline, then a release naming the client arrives on it; the
 * new approver's approval email appears in the outbox, its review link is opened and approved; the
 * plan is approved by them (`plans --json` and the plan page), and the log of changes shows each
 * change with who and when. Screenshots: test-artifacts/workspace-flow-*.png.
 */
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts");
const ADMIN = "admin@agency.example";
const FIRST_APPROVER = "first.approver@initech.example";
const NEW_APPROVER = "new.approver@initech.example";
const CONTACTS = 2_000;

type Started = ReturnType<typeof startCli>;
type Item = { title: string; link: string; guid: string; pubDate: string; description?: string };

describe.skipIf(skipBrowserTests())("onboarding a client in the browser, end to end (pressbridge start, headless Chromium)", () => {
  let browser: Browser | undefined;
  let feeds: FeedServer;
  let dir: string;
  let dataDir: string;
  let env: Record<string, string>;
  let cli: Started | undefined;
  let webUrl: string;
  let mailboxUrl: string;
  const newsroom: Item[] = [];
  const wire: Item[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
    feeds = await startFeedServer();
    feeds.serveFeed("/initech/news.xml", () => rss(newsroom));
    feeds.serveFeed("/wire", () => rss(wire));
    const earlier = new Date(Date.now() - 3_600_000).toUTCString();
    newsroom.push({ title: "Initech Newsroom Launches", link: "https://initech.example/news/launch", guid: "initech-0", pubDate: earlier });
    wire.push({ title: "Globex Reports Quarterly Results", link: "https://wire.example/globex-q3", guid: "wire-0", pubDate: earlier });

    dir = mkdtempSync(join(tmpdir(), "pb-ws-flow-"));
    dataDir = join(dir, "data");
    env = {
      DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
      PRESSBRIDGE_TABLE: `ws-flow-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      PRESSBRIDGE_SWEEP_INTERVAL_SECONDS: "5",
      PRESSBRIDGE_AUDIT_INTERVAL_SECONDS: "3600",
    };
    // The first admin, before start (docs/access.md, "The local outbox and the first admin").
    const admin = await runCli(["people", "add", "--email", ADMIN, "--role", "admin", "--data-dir", dataDir], { env, timeoutMs: 90_000 });
    expect(admin.code, admin.stderr).toBe(0);
    // What start imports: loopback feeds allowed, and a shared wire polled every 5 s (so the
    // scheduler ticks every 5 s; a workspace without feeds ticks once a minute).
    const settings = join(dir, "settings.json");
    writeFileSync(settings, JSON.stringify({ feeds: [{ id: "agency-wire", url: `${feeds.url}/wire`, intervalSeconds: 5 }], security: { allowPrivateFeedHosts: true } }));
    cli = startCli(["start", "--config", settings, "--port", "0", "--data-dir", dataDir], env);
    webUrl = (await cli.waitFor(/web app: (http:\/\/127\.0\.0\.1:\d+)\/queue/, 90_000))[1]!;
    mailboxUrl = (await cli.waitFor(/outbox \(every email, sign-in links too; key in .+\): (http:\/\/127\.0\.0\.1:\d+\/outbox\?key=[A-Za-z0-9_-]+)$/m, 10_000))[1]!;
    await cli.waitFor(/pressbridge is running: 1 feed\(s\), polled on a 5 s tick/, 30_000);
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    if (cli !== undefined && cli.child.exitCode === null) {
      const code = await Promise.race([cli.stop("SIGINT"), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 20_000))]);
      if (code === "timeout") cli.child.kill("SIGKILL");
    }
    await feeds?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** No sideways scrolling at 390 and 1280 px; a screenshot of each. */
  async function look(page: Page, name: string): Promise<void> {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      expect(overflow, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, `workspace-flow-${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 390, height: 900 });
  }

  /** Reloads `path` until `ready` holds (the running instance works on its own ticks). */
  async function reloadUntil(page: Page, path: string, ready: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await page.goto(`${webUrl}${path}`);
      if (await ready()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${cli!.output().slice(-4000)}`);
      await page.waitForTimeout(500);
    }
  }

  it("an admin signs in from the outbox, adds a client, a feed and an approver, uploads a media list; a release arrives; the new approver approves; the log shows each change", async () => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));

    // Sign in from the outbox: the mailbox link start printed, a link asked for at /signin, opened from the outbox.
    await page.goto(mailboxUrl);
    await page.waitForURL(`${webUrl}/outbox`);
    await page.goto(`${webUrl}/signin`);
    await page.getByLabel("Email address").fill(ADMIN);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    expect(await page.locator("h1").textContent()).toBe("Check your email");
    await reloadUntil(page, "/outbox", async () => (await page.locator("a", { hasText: "Your Pressbridge sign-in link" }).count()) > 0, 30_000, "the sign-in email");
    await page.locator("a", { hasText: "Your Pressbridge sign-in link" }).first().click();
    await page.locator("a.mail-link", { hasText: "/signin/link" }).click();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${webUrl}/queue`);
    await look(page, "queue");

    // The header's Workspace link (admins and leads).
    await page.getByRole("banner").getByRole("link", { name: "Workspace" }).click();
    await page.waitForURL(`${webUrl}/workspace`);

    // A client.
    await page.getByRole("link", { name: "Add a client" }).click();
    await page.getByLabel("Client id").fill("initech");
    await page.getByLabel("Name", { exact: true }).fill("Initech");
    await page.getByLabel("Owner (lead) email").fill("lead@agency.example");
    await page.getByLabel("Approvers").fill(FIRST_APPROVER);
    await page.getByLabel("Keywords").fill("Initech");
    await page.getByRole("button", { name: "Add client" }).click();
    await page.waitForURL(`${webUrl}/workspace/clients/initech?saved=created`);
    expect(await page.locator("#notice").textContent()).toContain("Client added.");

    // A feed bound to the client: the loopback newsroom, polled every 5 s.
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Feeds" }).click();
    await page.getByLabel("Feed id").fill("initech-newsroom");
    await page.getByLabel("Feed URL (RSS or Atom)").fill(`${feeds.url}/initech/news.xml`);
    await page.getByLabel("Client").selectOption("initech");
    await page.getByLabel("Poll every (seconds)").fill("5");
    await page.getByRole("button", { name: "Add feed" }).click();
    await page.waitForURL(`${webUrl}/workspace/feeds?added=initech-newsroom`);

    // An approver.
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "People" }).click();
    await page.getByLabel("Email").fill(NEW_APPROVER);
    await page.getByLabel("Role").selectOption("approver");
    await page.getByLabel("Client").selectOption("initech");
    await page.getByRole("button", { name: "Add role" }).click();
    await page.waitForURL(/\/workspace\/people\?done=granted/);
    expect(await page.locator("#notice").textContent()).toContain(`${NEW_APPROVER} is now approver of initech.`);

    // A media list of 2,000 contacts: more than the app-wide 256 KB body limit, within the upload's own.
    const csvPath = join(dir, "initech-journalists.csv");
    const rows = Array.from({ length: CONTACTS }, (_, i) => `Reporter Number ${i},reporter.${i}@newsdesk-${i % 40}.example,"The Daily Chronicle of Things, Edition ${i % 12}",technology and enterprise software,@reporter_${i}`);
    const csv = `name,email,outlet,beat,x_handle\n${rows.join("\n")}\n`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(256 * 1024);
    writeFileSync(csvPath, csv);
    await page.goto(`${webUrl}/workspace/clients/initech/media-list`);
    await page.getByLabel("CSV file").setInputFiles(csvPath);
    await page.getByRole("button", { name: "Upload" }).click();
    await page.waitForLoadState();
    expect(await page.locator("#import-result").textContent()).toContain(`Imported ${CONTACTS} contact(s)`);
    expect(await page.content()).not.toContain("reporter.1@newsdesk-1.example");

    // The new feed's first poll records the baseline; the feeds page shows it healthy.
    await cli!.waitFor(/feed initech-newsroom: first poll, 1 existing item\(s\) recorded as the baseline/, 60_000);
    await reloadUntil(page, "/workspace/feeds", async () => /\bok\b/.test((await page.locator("#feed-initech-newsroom").textContent()) ?? ""), 30_000, "the feed's health");
    await look(page, "feeds");

    // A release on that feed naming the client.
    const title = "Initech Opens a TPS Report Automation Lab";
    newsroom.push({ title, link: "https://initech.example/news/tps-lab", guid: "initech-1", pubDate: new Date().toUTCString(), description: "Initech today opened a lab." });

    // The new approver's approval email, in the outbox.
    const emailRow = page.locator("tr", { hasText: NEW_APPROVER }).filter({ hasText: `Approve amplification: ${title}` });
    await reloadUntil(page, "/outbox", async () => (await emailRow.count()) > 0, 90_000, `the approval email to ${NEW_APPROVER}`);
    expect(await page.locator("tr", { hasText: FIRST_APPROVER }).filter({ hasText: title }).count()).toBeGreaterThan(0);
    await emailRow.first().getByRole("link").click();
    await page.waitForURL(/\/outbox\/.+\.eml$/);
    expect(await page.getByRole("banner").getByRole("link", { name: "Workspace" }).count()).toBe(1);
    await look(page, "approval-email");
    const reviewLink = page.locator("a.mail-link", { hasText: "/review/" });
    const reviewHref = (await reviewLink.getAttribute("href"))!;
    expect(reviewHref).toMatch(new RegExp(`^${webUrl.replace(/[.]/g, "\\.")}/review/`));

    // The approver opens it (no sign-in needed: the link is the credential) and approves.
    const approver = await browser!.newContext({ viewport: { width: 390, height: 900 } });
    const review = await approver.newPage();
    review.on("pageerror", (err) => problems.push(err.message));
    await review.goto(reviewHref);
    expect(await review.locator("h1").textContent()).toBe(title);
    expect(await review.locator("#status").textContent()).toBe("pending approval");
    await review.getByRole("button", { name: "Approve and publish" }).click();
    await review.waitForURL((u) => u.hash === "#decision");
    expect(await review.locator("#decision h2").textContent()).toBe(`Approved by ${NEW_APPROVER}`);
    await review.screenshot({ path: join(ARTIFACTS, "workspace-flow-approved-390.png"), fullPage: true });
    await approver.close();

    // The decision, as the CLI reports it: the new approver's, on a plan whose briefs target the uploaded list.
    const listed = await runCli(["plans", "--json", "--data-dir", dataDir], { env, timeoutMs: 60_000 });
    expect(listed.code, listed.stderr).toBe(0);
    const plans = (JSON.parse(listed.stdout) as { plans: Array<{ id: string; clientId: string; status: string; release: { title: string }; decision: { by: string } | null; briefs: Array<{ audience?: { matchedAudience?: { count: number } } }> }> }).plans;
    const plan = plans.find((p) => p.release.title === title);
    expect(plan, listed.stdout.slice(0, 2000)).toMatchObject({ clientId: "initech", decision: { by: NEW_APPROVER } });
    expect(["approved", "published", "publishing"]).toContain(plan!.status);
    expect(plan!.briefs.map((b) => b.audience?.matchedAudience?.count)).toContain(CONTACTS);
    expect(plans.filter((p) => p.release.title !== title)).toEqual([]);

    // ... and as the plan page shows it to the admin.
    await page.goto(`${webUrl}/plans/${plan!.id}`);
    expect(await page.content()).toContain(NEW_APPROVER);

    // The log of changes: each change, who made it, when.
    await page.goto(`${webUrl}/workspace`);
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Log of changes" }).click();
    const entries = await page.locator("#log tr.entry").evaluateAll((trs) =>
      trs.map((tr) => Object.fromEntries([...tr.querySelectorAll("td")].map((td) => [td.getAttribute("data-label"), (td.textContent ?? "").trim()]))),
    );
    // "What" is the summary, then the fields changed (from → to).
    const byAdmin = [/^added client initech/, /^added feed initech-newsroom/, new RegExp(`^made ${NEW_APPROVER.replace(/[.]/g, "\\.")} approver of initech`), new RegExp(`^imported the media list of initech: ${CONTACTS} contacts from initech-journalists\\.csv`)];
    for (const expected of byAdmin) {
      const entry = entries.find((e) => expected.test(e.What ?? ""));
      expect(entry, `${expected} in\n${JSON.stringify(entries, null, 1)}`).toBeDefined();
      expect(entry!.Who).toBe(ADMIN);
      expect(entry!.When).toMatch(/\d{4}, \d{1,2}:\d{2} [AP]M UTC$/);
    }
    expect(entries.find((e) => /^made admin@agency\.example an admin/.test(e.What ?? ""))).toMatchObject({ Who: "cli" });
    expect(entries.find((e) => /agency-wire/.test(e.What ?? ""))).toMatchObject({ Who: "cli" });
    await look(page, "log");

    expect(problems).toEqual([]);
    await context.close();
  });
});
