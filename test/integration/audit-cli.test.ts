import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoPlanStore, DynamoReleaseStore, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { HOUR, T0, at, config, feedState, plan, release } from "../support/audit-fixtures.ts";
import { runCli, startCli } from "../support/run-cli.ts";
import { signInOverHttp } from "../support/http-signin.ts";

/** `pressbridge audit` as a user runs it: real bin, DynamoDB Local, the outbox mailer. */
let dir: string;
let configFile: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pb-audit-cli-"));
  configFile = join(dir, "pressbridge.config.json");
  writeFileSync(configFile, JSON.stringify(config));
  const tableName = `audit-cli-${Date.now()}`;
  env = { DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), PRESSBRIDGE_TABLE: tableName, PRESSBRIDGE_BASE_URL: "http://127.0.0.1:3999" };
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  const releases = new DynamoReleaseStore({ client, tableName });
  const plans = new DynamoPlanStore({ client, tableName });
  const p = plan("p_cli", 0, { release: { ...plan("p_cli", 0).release, title: "=HYPERLINK(\"http://evil.example\") Acme, \"quoted\"" } });
  await plans.createPlan(p);
  await releases.createRelease(release(p.releaseId, 0));
  await plans.recordReleasePlanning(p.releaseId, { plannedAt: at(0), clientIds: ["acme"], planIds: [p.id] });
  for (const id of ["acme-newsroom", "prn"]) await releases.putFeedState(feedState(id, { lastNewItemAt: at(64) }), undefined);
  client.destroy();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pressbridge audit", () => {
  it("--json prints one JSON document: the report, the digests and the event; a second run sends nothing new", async () => {
    const now = new Date(T0 + 65 * HOUR).toISOString();
    const first = await runCli(["audit", "--now", now, "--json", "--config", configFile, "--data-dir", join(dir, "data")], { env });
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout) as {
      report: { at: string; findings: Array<{ id: string; kind: string; clientId: string }>; counts: Record<string, number> };
      digests: Array<{ clientId: string; status: string }>;
      event: { detailType: string };
    };
    expect(doc.report.at).toBe(now);
    expect(doc.report.findings.map((f) => f.id)).toEqual(["at-risk:plan:p_cli", "stale:plan:p_cli"]);
    expect(doc.report.counts).toEqual({ missed: 0, atRisk: 1, stale: 1, feedHealth: 0 });
    expect(doc.digests).toEqual([expect.objectContaining({ clientId: "acme", status: "sent" })]);
    expect(doc.event.detailType).toBe("Audit Completed");
    expect(readdirSync(join(dir, "data", "outbox")).filter((f) => f.endsWith(".eml"))).toHaveLength(1);

    const second = await runCli(["audit", "--now", new Date(T0 + 66 * HOUR).toISOString(), "--json", "--config", configFile, "--data-dir", join(dir, "data")], { env });
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as { digests: Array<{ status: string }> }).digests).toEqual([expect.objectContaining({ status: "nothing-new" })]);
    expect(readdirSync(join(dir, "data", "outbox")).filter((f) => f.endsWith(".eml"))).toHaveLength(1);

    const human = await runCli(["audit", "--now", new Date(T0 + 80 * HOUR).toISOString(), "--config", configFile, "--data-dir", join(dir, "data")], { env });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^KIND\s+CLIENT\s+DEADLINE \(client time\)\s+FINDING$/m);
    expect(human.stdout).toMatch(/^missed\s+acme\s+Thu, Nov 5, 2026, 9:00 AM EST\s+=HYPERLINK/m);
    // The shared wire (silent after 6 h) is in the report, not in any client's digest.
    expect(human.stdout).toMatch(/^feed-health\s+-\s+-\s+PR Newswire: Silent/m);
    expect(human.stdout).toMatch(/audit: 1 missed, 0 at risk, 0 stale, 1 feed problem\(s\); 1 digest\(s\) sent \(acme\)/);
  });

  it("rejects a bad --now with a one-line reason and exit code 2, before touching anything", async () => {
    for (const bad of ["yesterday", "2026-11-24", "2026-11-24T15:00:00", "2026-13-40T99:00:00Z"]) {
      const result = await runCli(["audit", "--now", bad, "--json", "--config", configFile, "--data-dir", join(dir, "nowhere")], { env });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/^pressbridge audit: --now: must be an ISO 8601 time with a zone/);
    }
  });

  it("start runs the audit at start (then hourly) and serves the dashboard", async () => {
    const cli = startCli(["start", "--port", "0", "--config", configFile, "--data-dir", join(dir, "start")], env);
    try {
      const web = await cli.waitFor(/(http:\/\/127\.0\.0\.1:\d+)\/dashboard \(audit dashboard\)/, 90_000);
      await cli.waitFor(/audit: \d+ missed, \d+ at risk, \d+ stale, \d+ feed problem\(s\)/, 90_000);
      expect((await fetch(`${web[1]}/dashboard/acme`)).status).toBe(401);
      // The client's owner is its lead: they sign in by email (the link arrives in the local outbox).
      const cookie = await signInOverHttp(web[1]!, config.clients[0]!.owner, join(dir, "start", "outbox"));
      const page = await fetch(`${web[1]}/dashboard/acme`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const text = await page.text();
      expect(text).toContain("<h1>Acme Corp</h1>");
      expect(text).toContain('id="missed"');
    } finally {
      await cli.stop("SIGINT");
    }
  });
});
