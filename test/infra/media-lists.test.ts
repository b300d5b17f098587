import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../packages/core/src/config/config-schema.ts";
import { composeAdBriefs } from "../../packages/core/src/plans/briefs/index.ts";
import { hashEmailForAudience, normaliseEmail } from "../../packages/core/src/plans/briefs/media-list.ts";
import { FileMediaLists, MAX_MEDIA_LIST_CONTACTS } from "../../packages/adapters/src/file-media-lists.ts";
import type { PressbridgeStack } from "../../infra/pressbridge-stack.ts";
import { CONFIG_FILE_NAME } from "../../infra/function-construct.ts";
import { serviceProps } from "../../infra/service-settings.ts";
import { makeClient, makeRelease } from "../unit/plans/briefs/fixtures.ts";
import { synthStack } from "./synth.ts";

/**
 * A client's media list in AWS: the synth reads the CSV next to the config file and ships, in the
 * config layer, only the hashed list (media-lists/<client id>.json: SHA-256 audience hashes, outlets,
 * beats) with the client's `mediaList` pointing at it. No journalist's email or name is anywhere in
 * the layer, and the functions' FileMediaLists reading it gives the briefs the same matched audience
 * as the CSV gives locally.
 */
const dir = mkdtempSync(join(tmpdir(), "pressbridge-media-lists-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const JOURNALISTS = [
  { email: "  Dana.Reporter@Example-News.com ", name: "Dana Reporter", outlet: "Example News", beat: "Fintech" },
  { email: "lee@trade-weekly.example", name: "Lee Columnist", outlet: "Trade Weekly", beat: "Payments" },
  { email: "sam@blog.example.org", name: "Sam Blogger", outlet: "", beat: "" },
];
const CSV = [
  "Name,E-mail,Outlet,Beat",
  ...JOURNALISTS.map((j) => `"${j.name}",${j.email},${j.outlet},${j.beat}`),
  '"Broken Row",not-an-email,Somewhere,Nothing',
  '"Dana Again",dana.reporter@example-news.com,Dup,Dup',
].join("\r\n");

function writeConfig(name: string, clients: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ clients }));
  return file;
}

const acme = { id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], adPlatforms: ["linkedin", "meta", "x"], mediaList: "lists/journalists.csv" };
mkdirSync(join(dir, "lists"), { recursive: true });
writeFileSync(join(dir, "lists", "journalists.csv"), CSV);
const configFile = writeConfig("pressbridge.config.json", [acme, { id: "globex", name: "Globex", owner: "pr@globex.example", approvers: ["s@globex.example"] }]);

function synth(file: string) {
  const props = serviceProps("media", (key) => (key === "configFile" ? file : undefined), dir);
  const { stack } = synthStack("media", props);
  return { stack, assetDir: (stack as PressbridgeStack).service.configAssetDir };
}

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("media lists in the config layer", () => {
  const { stack, assetDir } = synth(configFile);

  it("ships the hashed list, and points the client's mediaList at it", () => {
    const config = JSON.parse(readFileSync(join(assetDir, CONFIG_FILE_NAME), "utf8")) as { clients: Array<{ id: string; mediaList?: string }> };
    expect(config.clients.map((c) => [c.id, c.mediaList])).toEqual([["acme", "media-lists/acme.json"], ["globex", undefined]]);
    const list = JSON.parse(readFileSync(join(assetDir, "media-lists", "acme.json"), "utf8")) as unknown;
    expect(list).toEqual({
      source: "lists/journalists.csv",
      contacts: [
        { emailSha256: hashEmailForAudience(normaliseEmail(JOURNALISTS[0]!.email)), outlet: "Example News", beat: "Fintech" },
        { emailSha256: hashEmailForAudience(normaliseEmail(JOURNALISTS[1]!.email)), outlet: "Trade Weekly", beat: "Payments" },
        { emailSha256: hashEmailForAudience(normaliseEmail(JOURNALISTS[2]!.email)) },
      ],
    });
    expect(filesUnder(assetDir).map((f) => f.slice(assetDir.length + 1)).sort()).toEqual(["media-lists/acme.json", CONFIG_FILE_NAME]);
  });

  it("has no journalist's email or name anywhere in the layer", () => {
    const everything = filesUnder(assetDir).map((f) => readFileSync(f, "utf8")).join("\n");
    for (const j of [...JOURNALISTS, { email: "not-an-email", name: "Broken Row" }, { email: "dana.reporter@example-news.com", name: "Dana Again" }]) {
      expect(everything).not.toContain(j.email.trim());
      expect(everything.toLowerCase()).not.toContain(normaliseEmail(j.email));
      expect(everything).not.toContain(j.name);
    }
    expect(everything).not.toMatch(/@example-news|@trade-weekly|@blog\.example/i);
  });

  it("warns at synth about the skipped lines, by line number only", () => {
    const warnings = Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("clients\\[0\\]\\.mediaList: 1 line\\(s\\) of .*journalists\\.csv skipped \\(line 5: invalid email address\\); 3 contact\\(s\\) deployed"));
    expect(warnings).toHaveLength(1);
  });

  it("gives the briefs the same matched audience in the function (hashed list, /opt) as locally (the CSV)", async () => {
    const local = new FileMediaLists({ config: parseConfig(JSON.parse(readFileSync(configFile, "utf8"))), baseDir: dir });
    const deployed = new FileMediaLists({ config: parseConfig(JSON.parse(readFileSync(join(assetDir, CONFIG_FILE_NAME), "utf8"))), baseDir: assetDir });
    const fromCsv = (await local.mediaListFor("acme"))!;
    const fromLayer = (await deployed.mediaListFor("acme"))!;
    expect(fromLayer.source).toBe(fromCsv.source);
    expect(fromLayer.contacts.every((c) => !("email" in c) && !("name" in c))).toBe(true);
    const audience = (mediaList: typeof fromCsv) =>
      composeAdBriefs({ release: makeRelease(), client: makeClient({ adPlatforms: ["linkedin", "meta", "x"] }), trackedLink: () => "https://acme.example/r", windowDeadline: "2026-09-15T02:29:00.000Z", mediaList }).map(
        (b) => b.audience.matchedAudience,
      );
    const expected = JOURNALISTS.map((j) => hashEmailForAudience(normaliseEmail(j.email))).sort();
    expect(audience(fromCsv).map((m) => m?.hashedEmails)).toEqual([expected, expected, expected]);
    expect(audience(fromLayer)).toEqual(audience(fromCsv));
    expect(await deployed.mediaListFor("globex")).toBeUndefined();
  });

  it("fails the synth naming the field when the list cannot be read or is too big", () => {
    const missing = writeConfig("missing.json", [{ ...acme, mediaList: "lists/nowhere.csv" }]);
    expect(() => synth(missing)).toThrow(/^clients\[0\]\.mediaList: cannot read .*nowhere\.csv \(ENOENT\)/);
    const rows = Array.from({ length: MAX_MEDIA_LIST_CONTACTS + 1 }, (_, i) => `j${i}@outlet.example`);
    writeFileSync(join(dir, "lists", "huge.csv"), ["email", ...rows].join("\n"));
    const huge = writeConfig("huge.json", [{ id: "globex", name: "Globex", owner: "pr@globex.example", approvers: ["s@globex.example"] }, { ...acme, mediaList: "lists/huge.csv" }]);
    expect(() => synth(huge)).toThrow(`clients[1].mediaList: ${join(dir, "lists", "huge.csv")} has ${MAX_MEDIA_LIST_CONTACTS + 1} contacts; at most ${MAX_MEDIA_LIST_CONTACTS} are supported`);
  });
});

describe("FileMediaLists reads a hashed list", () => {
  const config = (mediaList: string) => parseConfig({ clients: [{ ...acme, mediaList }] });
  const hash = hashEmailForAudience("lee@trade-weekly.example");

  it("takes its contacts and source", async () => {
    writeFileSync(join(dir, "hashed.json"), JSON.stringify({ source: "journalists.csv", contacts: [{ emailSha256: hash, outlet: "Trade Weekly" }] }));
    expect(await new FileMediaLists({ config: config("hashed.json"), baseDir: dir }).mediaListFor("acme")).toEqual({
      source: "journalists.csv",
      contacts: [{ emailSha256: hash, outlet: "Trade Weekly" }],
    });
  });

  it.each([
    ["not JSON", "{", /clients\[0\]\.mediaList: .*bad\.json is not valid JSON$/],
    ["a hash that is not 64 lower-case hex", JSON.stringify({ source: "s", contacts: [{ emailSha256: hash.toUpperCase() }] }), /at contacts\[0\]\.emailSha256: must be the SHA-256 of the email/],
    ["a raw email", JSON.stringify({ source: "s", contacts: [{ emailSha256: hash, email: "lee@trade-weekly.example" }] }), /at contacts\[0\]/],
    ["too many contacts", JSON.stringify({ source: "s", contacts: Array.from({ length: MAX_MEDIA_LIST_CONTACTS + 1 }, () => ({ emailSha256: hash })) }), /at most 2000 contacts/],
  ])("refuses %s, naming the field", async (_what, text, message) => {
    writeFileSync(join(dir, "bad.json"), text);
    const err = await new FileMediaLists({ config: config("bad.json"), baseDir: dir }).mediaListFor("acme").catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(message);
    expect(String((err as Error).message)).not.toContain("lee@trade-weekly.example");
  });
});
