import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { simpleParser } from "mailparser";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, skipBrowserTests } from "../support/browser.ts";
import { runCli, startCli } from "../support/run-cli.ts";

/**
 * The approval flow as an approver lives it, in headless Chromium against the real product:
 * `pressbridge start --demo` (its own DynamoDB Local, the demo wire, the outbox mailer, the web app)
 * emails a review link for an Acme release; the approver finds the email in the outbox, opens the
 * link, edits the LinkedIn draft, approves, and sees the decision. The CLI then reports the same
 * state. The outbox needs the operator's sign-in: the test opens the sign-in link `start` prints and
 * presses "Sign in". Screenshots go to test-artifacts/ (signin.png, review-page.png before approving,
 * approval-flow.png after).
 */
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts");
const APPROVER = "social@acme.example";
const EDIT_SUFFIX = "\n\nEdited in the browser test.";
const OUTBOX_FILE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-[0-9a-f]+\.eml$/;

interface Email {
  file: string;
  subject: string;
  text: string;
  planId: string;
  reviewLink: string;
  /** Channel names of the drafts the email lists ("--- LinkedIn (493/3,000 characters) ---"). */
  drafts: string[];
  /** Channels the plan skipped ("- X: reason"). */
  skipped: Array<{ channel: string; reason: string }>;
}

interface PlanJson {
  id: string;
  status: string;
  publication: { dryRun: boolean } | null;
  release: { title: string };
  drafts: Array<{ channel: string; text: string; version: number }>;
}

type Started = ReturnType<typeof startCli>;

describe.skipIf(skipBrowserTests())("approval flow in the browser (headless Chromium)", () => {
  let dataDir: string;
  let cli: Started | undefined;
  let browser: Browser | undefined;
  let webUrl: string;
  let signInUrl: string;
  let email: Email;

  beforeAll(async () => {
    // Chromium first: a missing browser fails here, with how to install it, before anything starts.
    browser = await launchBrowser();
    dataDir = mkdtempSync(join(tmpdir(), "pb-e2e-"));
    mkdirSync(ARTIFACTS, { recursive: true });
    cli = startCli(["start", "--demo", "--port", "0", "--data-dir", dataDir], {
      PRESSBRIDGE_DEMO_INTERVAL_MS: "1500",
      DYNAMODB_ENDPOINT: "",
    });
    const web = await cli.waitFor(/web app: (http:\/\/127\.0\.0\.1:\d+)\/queue/, 90_000);
    webUrl = web[1]!;
    signInUrl = (await cli.waitFor(/outbox \(every email, sign-in links too; key in .+\): (http:\/\/127\.0\.0\.1:\d+\/outbox\?key=[A-Za-z0-9_-]+)$/m, 10_000))[1]!;
    await cli.waitFor(/sign in: http:\/\/127\.0\.0\.1:\d+\/signin with the email of a person who has a role \(the demo admin is admin@pressbridge\.local\)/, 10_000);
    // The first poll only records a baseline; an Acme release follows within a few ticks.
    await cli.waitFor(new RegExp(`approval email sent to ${APPROVER.replace(/\./g, "\\.")}`), 90_000);
    email = await newestEmail(join(dataDir, "outbox"));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (cli !== undefined && cli.child.exitCode === null) {
      const code = await Promise.race([cli.stop("SIGINT"), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 20_000))]);
      if (code === "timeout") cli.child.kill("SIGKILL");
    }
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("keeps the outbox behind the mailbox key (kept in the data dir with mode 0600) and the rest behind sign-in", async () => {
    const token = new URL(signInUrl).searchParams.get("key")!;
    expect(readFileSync(join(dataDir, "mailbox-key"), "utf8").trim()).toBe(token);
    expect(statSync(join(dataDir, "mailbox-key")).mode & 0o777).toBe(0o600);
    for (const path of ["/outbox", "/queue", "/dashboard", `/plans/${email.planId}`]) {
      const res = await fetch(`${webUrl}${path}`);
      expect(res.status, path).toBe(401);
      expect(await res.text(), path).not.toContain("/review/");
    }
    expect((await fetch(`${webUrl}/outbox?key=${token}`, { redirect: "manual" })).status).toBe(303);
  });

  it("opens the emailed link, edits the LinkedIn draft, approves, and sees the decision", async () => {
    const context = await browser!.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const problems = watchForPageProblems(page);

    // The admin opens the outbox with the link `start` printed, asks for a sign-in link, finds it in
    // the outbox, opens it (a button only) and presses Sign in.
    await page.goto(signInUrl);
    await page.waitForURL(`${webUrl}/outbox`);
    await page.goto(`${webUrl}/signin`);
    await page.getByLabel("Email address").fill("admin@pressbridge.local");
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    expect(await page.locator("h1").textContent()).toBe("Check your email");
    await page.goto(`${webUrl}/outbox`);
    await page.locator("a", { hasText: "Your Pressbridge sign-in link" }).first().click();
    await page.locator("a.mail-link", { hasText: "/signin/link" }).click();
    expect((await context.cookies()).map((c) => c.name)).toEqual(["pb_mailbox"]);
    await page.screenshot({ path: join(ARTIFACTS, "signin.png"), fullPage: true });
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${webUrl}/queue`);
    const session = (await context.cookies()).find((c) => c.name === "pb_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect(session!.expires * 1000 - Date.now()).toBeGreaterThan(6 * 86_400_000);

    // The email, as the outbox web page lists it: subject visible, the review link in the message.
    await page.goto(`${webUrl}/outbox`);
    const listed = page.locator(`a[href="/outbox/${encodeURIComponent(email.file)}"]`);
    expect(await listed.textContent()).toBe(email.subject);
    await listed.click();
    await page.waitForURL(`${webUrl}/outbox/${encodeURIComponent(email.file)}`);
    expect(await page.locator("h1").textContent()).toBe(email.subject);
    const mailLink = page.locator("a.mail-link", { hasText: "/review/" });
    expect(await mailLink.getAttribute("href")).toBe(email.reviewLink);
    await page.screenshot({ path: join(ARTIFACTS, "outbox-email.png"), fullPage: true });

    // "Opens the link from the email": clicks it, as the approver would.
    await mailLink.click();
    await page.waitForURL(email.reviewLink);
    const headline = email.subject.replace(/^Approve amplification: /, "");
    expect(email.text).toContain(headline);
    expect(await page.locator("h1").textContent()).toBe(headline);
    expect(await page.title()).toBe(`${headline} · Pressbridge`);
    expect(await page.locator("#status").textContent()).toBe("pending approval");
    expect(await page.getByText(`Reviewing as ${APPROVER}.`).count()).toBe(1);

    // One textarea per draft the email lists, and the skipped channels with their reasons: together
    // the demo client's channels, X, LinkedIn and Bluesky.
    const drafts = page.locator("textarea[name=text]");
    expect(await drafts.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")))).toEqual(email.drafts.map((d) => `${d} draft`));
    expect(email.drafts).toContain("LinkedIn");
    expect([...email.drafts, ...email.skipped.map((s) => s.channel)].sort()).toEqual(["Bluesky", "LinkedIn", "X"]);
    for (const name of email.drafts) {
      expect(await page.locator(".card h2", { hasText: new RegExp(`^${name} v1 · `) }).count(), `${name} heading`).toBe(1);
    }
    for (const skipped of email.skipped) {
      expect(await page.getByText(`Skipped: ${skipped.reason}`).count(), `${skipped.channel} skipped`).toBe(1);
    }

    // Edit the LinkedIn draft and save it: a new version, and the page says so.
    const linkedin = page.getByRole("textbox", { name: "LinkedIn draft" });
    const original = await linkedin.inputValue();
    expect(original.length).toBeGreaterThan(0);
    expect(email.text).toContain(original);
    const edited = `${original}${EDIT_SUFFIX}`;
    await linkedin.fill(edited);
    await page.getByRole("button", { name: "Save LinkedIn edit" }).click();
    await page.waitForURL((u) => u.searchParams.get("saved") === "linkedin");
    // The confirmation sits in the edited card, which the page scrolls to, so the approver sees it.
    const saved = page.locator("#saved-linkedin");
    expect(await saved.textContent()).toBe("Your edit was saved as a new version.");
    expect(await saved.isVisible()).toBe(true);
    expect(await saved.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight; })).toBe(true);
    expect(await page.locator("#draft-linkedin h2").textContent()).toMatch(/^LinkedIn v2 · /);
    expect(await page.locator(".card h2", { hasText: / v1 · / }).count()).toBe(email.drafts.length - 1);
    expect(await page.getByRole("textbox", { name: "LinkedIn draft" }).inputValue()).toBe(edited);
    expect(await page.locator("#status").textContent()).toBe("pending approval");
    await page.screenshot({ path: join(ARTIFACTS, "review-page.png"), fullPage: true });

    // The When section proposes a time per action (posts staggered, follow-ups the next morning, ads
    // at once); the approver chooses "Now" for every one of them, with the labelled selects.
    const whens = page.locator("select[name^=when_]");
    expect(await whens.count()).toBe(email.drafts.length + (await page.locator("[id^=follow-up-]").count()) + (await page.locator("[id^=brief-]").count()));
    expect(await page.locator("#schedule").textContent()).toMatch(/follow-up: .*09:30/);
    for (const select of await whens.all()) await select.selectOption("now");
    // Approve: the page turns into the final decision.
    await page.getByRole("button", { name: "Approve and publish" }).click();
    await page.waitForURL((u) => u.hash === "#decision" && u.search === "");
    await expectDecided(page, email);
    expect(await page.locator("#draft-linkedin pre").textContent()).toBe(edited);
    expect(await page.locator("#decision").textContent()).toContain("LinkedIn v2");
    const history = await page.locator("tr td:nth-child(3)").allTextContents();
    expect(history.some((what) => what.startsWith("edited LinkedIn"))).toBe(true);
    expect(history.some((what) => what.startsWith("approved"))).toBe(true);
    expect(await page.locator("tr", { hasText: "edited LinkedIn" }).locator("td:nth-child(2)").textContent()).toBe(APPROVER);
    await page.screenshot({ path: join(ARTIFACTS, "approval-flow.png"), fullPage: true });

    // Approval publishes: without platform credentials every action is a dry run, shown on the page
    // with the exact requests a person could repeat.
    for (let i = 0; i < 40 && (await page.locator("#publication table").count()) === 0; i++) {
      await page.waitForTimeout(250);
      await page.reload();
    }
    expect(await page.locator("#status").textContent()).toBe("published");
    const results = await page.locator("#publication tr[class^=action-] td:nth-child(2)").allTextContents();
    expect(results.length).toBe(email.drafts.length + (await page.locator("[id^=follow-up-]").count()) + (await page.locator("[id^=brief-]").count())); // a post per draft and follow-up, an ad per brief
    expect(results.every((r) => r.includes("dry run"))).toBe(true);
    const firstDryRun = page.locator("#publication details.dry-run").first();
    await firstDryRun.locator("summary").click();
    expect(await firstDryRun.locator("pre").first().textContent()).toMatch(/^(POST|GET) https:\/\//);
    await page.screenshot({ path: join(ARTIFACTS, "publication.png"), fullPage: true });

    // Reloading the link (a GET) shows the decision again, and nothing to submit.
    await page.reload();
    await expectDecided(page, email);

    // So does a fresh browser (no cookies, no history) opening the same link.
    const fresh = await browser!.newContext();
    const other = await fresh.newPage();
    const otherProblems = watchForPageProblems(other);
    await other.goto(email.reviewLink);
    await expectDecided(other, email);
    await fresh.close();

    expect(problems).toEqual([]);
    expect(otherProblems).toEqual([]);
    await context.close();

    // Outside the browser, the CLI reports the same state.
    const plans = await runCli(["plans", "--json", "--data-dir", dataDir], { env: { DYNAMODB_ENDPOINT: "" } });
    expect(plans.code, plans.stderr).toBe(0);
    const plan = (JSON.parse(plans.stdout) as { plans: PlanJson[] }).plans.find((p) => p.id === email.planId);
    expect(plan, `plan ${email.planId} in plans --json`).toBeDefined();
    expect(plan!.status).toBe("published");
    expect(plan!.publication).toMatchObject({ dryRun: true });
    expect(plan!.release.title).toBe(headline);
    expect(plan!.drafts.find((d) => d.channel === "linkedin")).toMatchObject({ version: 2, text: edited });
    expect(plan!.drafts.filter((d) => d.channel !== "linkedin").map((d) => d.version)).toEqual(Array(email.drafts.length - 1).fill(1));
  }, 180_000);

  it("stops cleanly on SIGINT", async () => {
    expect(await cli!.stop("SIGINT")).toBe(0);
    expect(cli!.output()).toMatch(/\nstopped\n/);
  }, 60_000);
});

/** The newest approval email to the approver in the outbox, parsed like a mail client would. */
async function newestEmail(outboxDir: string): Promise<Email> {
  const files = readdirSync(outboxDir).filter((f) => OUTBOX_FILE.test(f)).sort().reverse();
  for (const file of files) {
    const parsed = await simpleParser(readFileSync(join(outboxDir, file)));
    const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to === undefined ? [] : [parsed.to]).flatMap((a) => a.value.map((v) => v.address));
    if (parsed.headers.get("x-pressbridge-kind") !== "approval" || to.join() !== APPROVER) continue;
    const text = parsed.text ?? "";
    const link = text.match(/^Review and approve: (http:\/\/127\.0\.0\.1:\d+\/review\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/m);
    if (link === null) throw new Error(`no review link in ${file}:\n${text}`);
    const planId = parsed.headers.get("x-pressbridge-plan");
    if (typeof planId !== "string") throw new Error(`no X-Pressbridge-Plan header in ${file}`);
    expect(parsed.subject).toMatch(/^Approve amplification: /);
    const drafts = [...text.matchAll(/^--- (.+) \([\d,]+\/[\d,]+ \w+\) ---$/gm)].map((m) => m[1]!);
    const skippedSection = text.split(/^Skipped channels\n=+\n/m)[1]?.split(/\n\n/)[0] ?? "";
    const skipped = [...skippedSection.matchAll(/^- ([^:]+): (.+)$/gm)].map((m) => ({ channel: m[1]!, reason: m[2]! }));
    return { file, subject: parsed.subject ?? "", text, planId, reviewLink: link[1]!, drafts, skipped };
  }
  throw new Error(`no approval email to ${APPROVER} in ${outboxDir}: ${files.join(", ")}`);
}

/** The final, read-only review page: the decision banner, the approved pill, and no form to submit. */
async function expectDecided(page: Page, email: Email): Promise<void> {
  expect(await page.locator("#decision h2").textContent()).toBe(`Approved by ${APPROVER}`);
  expect(await page.locator("#decision").getAttribute("class")).toContain("notice");
  // Publishing follows the approval within moments.
  expect(["approved", "published"]).toContain(await page.locator("#status").textContent());
  expect(await page.locator("#decision").textContent()).toContain("This decision is final.");
  expect(await page.locator("form").count()).toBe(0);
  expect(await page.locator("button").count()).toBe(0);
  // Nothing left to edit: the only text areas are the dry run's read-only, copy-ready post texts.
  expect(await page.locator("textarea:not([readonly])").count()).toBe(0);
  expect(await page.locator("textarea[readonly]").count()).toBe(await page.locator("textarea.copy-ready").count());
  expect(await page.locator("#decide").count()).toBe(0);
  expect(await page.locator("[id^=draft-] pre").count()).toBe(email.drafts.length);
}

/**
 * Script errors, console errors (CSP violations among them) and failed loads, collected. The one
 * known, harmless failure is Chromium's automatic /favicon.ico request (the app has no favicon).
 */
function watchForPageProblems(page: Page): string[] {
  const problems: string[] = [];
  const isFavicon = (url: string): boolean => new URL(url).pathname === "/favicon.ico";
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !isFavicon(msg.location().url || page.url())) problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400 && !isFavicon(res.url())) problems.push(`HTTP ${res.status()} ${res.url()}`);
  });
  return problems;
}
