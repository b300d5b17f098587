import { describe, expect, it } from "vitest";
import { grantRole, resumeSession, revokeAccess, startSession } from "@pressbridge/core";
import { memoryWorkspace } from "../../support/memory-workspace.ts";
import { MemorySessionStore } from "../../support/memory-sessions.ts";

/** revokeAccess: roles taken away, and the sessions of a person left with no role ended at once. */
const clock = { now: () => new Date("2026-11-10T12:00:00.000Z") };
const LEAD = "lead@agency.example";
const APPROVER = "approver@acme.example";

async function setup() {
  const workspace = memoryWorkspace({
    clients: [{ id: "acme", name: "Acme Corp", owner: "owner@acme.example", approvers: ["first@acme.example"], keywords: ["Acme"] }],
    feeds: [],
  });
  const sessions = new MemorySessionStore();
  const deps = { workspace, clock, sessions };
  await grantRole(deps, { email: LEAD, role: "admin" }, "test");
  await grantRole(deps, { email: LEAD, role: "lead", clientId: "acme" }, "test");
  await grantRole(deps, { email: APPROVER, role: "approver", clientId: "acme" }, "test");
  const open = async (email: string) => (await startSession(deps, email)).id;
  return { deps, sessions, open };
}

describe("revokeAccess", () => {
  it("ends every session of a person whose every role is taken away", async () => {
    const { deps, sessions, open } = await setup();
    const ids = [await open(LEAD), await open(LEAD)];
    const other = await open(APPROVER);
    const result = await revokeAccess(deps, { email: " Lead@Agency.example " }, "cli");
    expect(result).toMatchObject({ status: "removed", value: LEAD, sessionsEnded: 2 });
    for (const id of ids) expect(await resumeSession(deps, id)).toBeUndefined();
    expect(await resumeSession(deps, other)).toMatchObject({ email: APPROVER });
    expect([...sessions.sessions.values()].map((s) => s.email)).toEqual([APPROVER]);
  });

  it("keeps the sessions of a person who still has a role", async () => {
    const { deps, open } = await setup();
    const id = await open(LEAD);
    expect(await revokeAccess(deps, { email: LEAD, role: "admin" }, "cli")).toMatchObject({ status: "removed", sessionsEnded: 0 });
    expect(await resumeSession(deps, id)).toMatchObject({ email: LEAD, isAdmin: false });
    // Their last role goes: the session ends now, not at its next request.
    expect(await revokeAccess(deps, { email: LEAD, role: "lead", clientId: "acme" }, "cli")).toMatchObject({ status: "removed", sessionsEnded: 1 });
    expect(await resumeSession(deps, id)).toBeUndefined();
  });

  it("ends an approver's sessions when their only client drops them, and is safe to repeat", async () => {
    const { deps, open } = await setup();
    await open(APPROVER);
    expect(await revokeAccess(deps, { email: APPROVER, role: "approver", clientId: "acme" }, "cli")).toMatchObject({ status: "removed", sessionsEnded: 1 });
    expect(await revokeAccess(deps, { email: APPROVER }, "cli")).toMatchObject({ sessionsEnded: 0 });
    expect(await revokeAccess(deps, { email: APPROVER }, "cli")).toMatchObject({ status: "unchanged", sessionsEnded: 0 });
  });

  it("never signs out a client's owner, who stays its lead", async () => {
    const { deps, open } = await setup();
    await open("owner@acme.example");
    expect(await revokeAccess(deps, { email: "owner@acme.example" }, "cli")).toMatchObject({ status: "unchanged", sessionsEnded: 0 });
  });
});
