import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoSessionStore, DynamoWorkspaceStore, createDynamoClient } from "@pressbridge/adapters/dynamodb";
import { resumeSession, startSession, systemClock } from "@pressbridge/core";
import { runCli } from "../support/run-cli.ts";

/**
 * `pressbridge people remove` signs a person out everywhere when it takes their last role: the real
 * bin on the test run's DynamoDB Local, sessions started in the table as the sign-in page starts them.
 */
let dir: string;
const env = { DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), PRESSBRIDGE_TABLE: `people-rm-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` };
let client: ReturnType<typeof createDynamoClient>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pb-people-rm-"));
  client = createDynamoClient({ endpoint: env.DYNAMODB_ENDPOINT });
});
afterAll(() => {
  client?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const r = await runCli([...args, "--data-dir", dir], { env, timeoutMs: 90_000 });
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r;
}

describe("pressbridge people remove", () => {
  it("ends the person's sessions when it takes all their roles away, and only then", async () => {
    await cli(["people", "add", "--email", "admin@agency.example", "--role", "admin"]);
    await cli(["clients", "add", "--id", "acme", "--name", "Acme", "--owner", "pr@acme.example", "--approver", "first@acme.example"]);
    await cli(["people", "add", "--email", "lead@agency.example", "--role", "lead", "--client", "acme"]);
    await cli(["people", "add", "--email", "lead@agency.example", "--role", "admin"]);
    const table = { client, tableName: env.PRESSBRIDGE_TABLE };
    const deps = { sessions: new DynamoSessionStore(table), workspace: new DynamoWorkspaceStore(table), clock: systemClock };
    const lead = [(await startSession(deps, "lead@agency.example")).id, (await startSession(deps, "lead@agency.example")).id];
    const admin = (await startSession(deps, "admin@agency.example")).id;

    // One role of two: the lead stays signed in (as a lead now).
    const partial = JSON.parse((await cli(["people", "remove", "--email", "lead@agency.example", "--role", "admin", "--json"])).stdout);
    expect(partial).toEqual({ status: "removed", email: "lead@agency.example", sessionsEnded: 0 });
    expect(await resumeSession(deps, lead[0])).toMatchObject({ email: "lead@agency.example", isAdmin: false });

    // Every role: both browsers are signed out at once, the admin's session untouched.
    const all = await cli(["people", "remove", "--email", "Lead@Agency.example"]);
    expect(all.stdout).toBe("took every role from lead@agency.example; signed out of 2 session(s)\n");
    for (const id of lead) expect(await resumeSession(deps, id)).toBeUndefined();
    expect(await resumeSession(deps, admin)).toMatchObject({ email: "admin@agency.example", isAdmin: true });

    // Granted again later: the old sessions stay gone.
    await cli(["people", "add", "--email", "lead@agency.example", "--role", "lead", "--client", "acme"]);
    for (const id of lead) expect(await resumeSession(deps, id)).toBeUndefined();
  });
});
