import { describe, expect, it } from "vitest";
import { composeAdBriefs } from "../../../packages/core/src/plans/briefs/index.ts";
import type { MediaContact } from "../../../packages/core/src/plans/plan.ts";
import { audienceLines, audiencePreflight } from "../../../packages/core/src/publishing/audience-summary.ts";
import { makeClient, makeRelease } from "../plans/briefs/fixtures.ts";

const contacts = (n: number): MediaContact[] => Array.from({ length: n }, (_, i) => ({ email: `j${i}@outlet.example` }));
const briefs = (list: MediaContact[] | undefined) =>
  composeAdBriefs({
    release: makeRelease(),
    client: makeClient({ adPlatforms: ["linkedin", "meta", "x"] }),
    trackedLink: () => null,
    windowDeadline: "2026-09-15T02:29:00.000Z",
    ...(list === undefined ? {} : { mediaList: { contacts: list, source: "journalists.csv" } }),
  });

describe("audience pre-flight", () => {
  it("warns per platform below its minimum: 150 contacts is enough for Meta and X, not LinkedIn (300)", () => {
    const checks = briefs(contacts(150)).map(audiencePreflight);
    expect(checks.map((c) => [c.platform, c.listSize, c.minimum, c.attachable])).toEqual([
      ["linkedin", 150, 300, false],
      ["meta", 150, 100, true],
      ["x", 150, 100, true],
    ]);
    expect(checks[0]!.warning).toBe("LinkedIn: the media list has 150 contacts, below LinkedIn's minimum of 300; publishing will not create the audience and the ads target the beat and locations only.");
    expect(checks[1]!.warning).toBeNull();
  });

  it("at exactly the minimum the audience is attachable", () => {
    const [linkedin] = briefs(contacts(300)).map(audiencePreflight);
    expect(linkedin).toMatchObject({ attachable: true, warning: null, listSize: 300 });
  });

  it("without a media list every platform warns that only the beat and locations are targeted", () => {
    const lines = briefs(undefined).map(audienceLines);
    for (const l of lines) {
      expect(l).toHaveLength(2);
      expect(l[1]).toMatch(/no media list contacts with an email, so no matched audience/);
    }
    expect(lines[2]![0]).toMatch(/^X ads reach: Journalists, /);
  });

  it("a single contact is singular", () => {
    expect(audiencePreflight(briefs(contacts(1))[1]!).warning).toMatch(/has 1 contact, below Meta's minimum of 100/);
  });
});
