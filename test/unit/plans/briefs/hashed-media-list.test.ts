import { describe, expect, it } from "vitest";
import { composeAdBriefs, hashEmailForAudience, parseMediaListCsv } from "../../../../packages/core/src/plans/briefs/index.ts";
import type { MediaContact } from "../../../../packages/core/src/plans/plan.ts";
import { makeClient, makeRelease } from "./fixtures.ts";

/** A hashed media list (as deployed: only emailSha256) gives the same matched audience as its CSV. */
const audienceOf = (contacts: MediaContact[]) =>
  composeAdBriefs({ release: makeRelease(), client: makeClient({ adPlatforms: ["meta"] }), trackedLink: () => null, windowDeadline: "2026-09-15T02:29:00.000Z", mediaList: { contacts, source: "journalists.csv" } })[0]!
    .audience.matchedAudience;

describe("matched audience of a hashed media list", () => {
  const { contacts } = parseMediaListCsv("email,name\n Ana@Outlet.example ,Ana\nbo@paper.example,Bo\n");

  it("takes emailSha256 as it is, and equals the CSV's audience", () => {
    const hashed: MediaContact[] = contacts.map((c) => ({ emailSha256: hashEmailForAudience(c.email!) }));
    expect(audienceOf(hashed)).toEqual(audienceOf(contacts));
    expect(audienceOf(hashed)?.hashedEmails).toEqual([hashEmailForAudience("ana@outlet.example"), hashEmailForAudience("bo@paper.example")].sort());
  });

  it("skips a hash that is not 64 lower-case hex digits, and never falls back to the email beside it", () => {
    const good = hashEmailForAudience("ana@outlet.example");
    const hashed: MediaContact[] = [
      { emailSha256: good },
      { emailSha256: good.toUpperCase() },
      { emailSha256: good.slice(1) },
      { emailSha256: "x".repeat(64), email: "bo@paper.example" },
    ];
    expect(audienceOf(hashed)?.hashedEmails).toEqual([good]);
  });
});
