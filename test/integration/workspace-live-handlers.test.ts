import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoWorkspaceStore, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { saveEntity, systemClock } from "@pressbridge/core";
import { startPutEventsServer, type PutEventsServer, type WireEntry } from "../support/putevents-server.ts";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";

/**
 * The Lambda path reads the workspace from the table: the poll-feeds and plan-amplification
 * handlers (functions/*.ts over functions/shared/lambda-runtime.ts), configured only by their
 * environment as deployed, keep running in the same warm containers while a client and a feed are
 * added to the table (as the app does, core saveEntity): the next poll polls the new feed, the next
 * plan plans for the new client. No redeploy, no cold start.
 */
let feeds: FeedServer;
let events: PutEventsServer;
let workspace: DynamoWorkspaceStore;
const wire = [{ title: "Unrelated Industries Reports Quarterly Figures", link: "https://wire.example/live-0" }];
const globexWire = [{ title: "Globex Names A Board Member", link: "https://globex.example/live-0" }];

beforeAll(async () => {
  feeds = await startFeedServer();
  events = await startPutEventsServer();
  feeds.serveFeed("/wire", () => rss(wire));
  feeds.serveFeed("/globex", () => rss(globexWire));
  const tableName = `fnlive-${randomUUID()}`;
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  workspace = new DynamoWorkspaceStore({ client, tableName });
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: "pressbridge-test",
    DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
    EVENTBRIDGE_ENDPOINT: events.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    // The deploy's config: what seeds the empty workspace on the first load.
    PRESSBRIDGE_CONFIG: JSON.stringify({
      clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["s@acme.example"], keywords: ["Acme"], channels: ["x"], adPlatforms: ["meta"] }],
      feeds: [{ id: "wire", url: `${feeds.url}/wire` }],
      security: { allowPrivateFeedHosts: true },
    }),
  });
  delete process.env.PRESSBRIDGE_CONFIG_FILE;
});
afterAll(async () => {
  await Promise.all([feeds.close(), events.close()]);
  workspace.client.destroy();
});

let seen = 0;
function newDetected(): WireEntry[] {
  const all = events.requests.flatMap((r) => r.entries);
  const fresh = all.slice(seen);
  seen = all.length;
  return fresh.filter((e) => e.DetailType === "Release Detected");
}
const envelope = (entry: WireEntry) => ({
  version: "0", id: randomUUID(), "detail-type": entry.DetailType, source: entry.Source, account: "1", time: new Date().toISOString(),
  region: "us-east-1", resources: [], detail: JSON.parse(entry.Detail!) as unknown,
});

describe("the Lambda handlers read the workspace from the table at every run", () => {
  it("poll-feeds polls a feed and plan-amplification plans for a client added after their containers started", async () => {
    const { handler: poll } = await import("../../functions/poll-feeds.ts");
    const { handler: plan } = await import("../../functions/plan-amplification.ts");

    // Cold starts: the first load seeds the workspace from the deploy's config.
    const first = await poll({});
    expect(first.feeds.map((f) => f.id)).toEqual(["wire"]);
    expect((await workspace.load()).seededAt).toBeDefined();
    wire.push({ title: "Acme Corp Opens A Live Workspace Lab", link: "https://wire.example/live-1" });
    await poll({ all: true });
    const [acme] = newDetected();
    expect((await plan(envelope(acme!))).plans).toMatchObject([{ clientId: "acme", result: "created" }]);

    // In the app, while both containers stay warm: a client and its feed.
    const deps = { workspace, clock: systemClock };
    await saveEntity(deps, "client", { id: "globex", name: "Globex", owner: "pr@globex.example", approvers: ["s@globex.example"], keywords: ["Globex"], channels: ["x"], adPlatforms: ["meta"] }, "ops@agency.example", "create");
    await saveEntity(deps, "feed", { id: "globex-wire", url: `${feeds.url}/globex`, clientId: "globex" }, "ops@agency.example", "create");

    // The next tick polls the new feed (its first poll is a baseline), the one after finds its news.
    const next = await poll({ all: true });
    expect(next.feeds.map((f) => f.id).sort()).toEqual(["globex-wire", "wire"]);
    expect(next.feeds.find((f) => f.id === "globex-wire")).toMatchObject({ status: "ok", baseline: true });
    globexWire.push({ title: "Globex Launches A Live Product Line", link: "https://globex.example/live-1" });
    const after = await poll({ all: true });
    expect(after.feeds.find((f) => f.id === "globex-wire")).toMatchObject({ newReleases: 1 });
    const [globex] = newDetected();
    expect(JSON.parse(globex!.Detail!)).toMatchObject({ feedId: "globex-wire", title: "Globex Launches A Live Product Line" });

    // The next plan uses the new client.
    const planned = await plan(envelope(globex!));
    expect(planned.plans).toMatchObject([{ clientId: "globex", result: "created" }]);
  });
});
