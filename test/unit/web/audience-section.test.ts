import { describe, expect, it } from "vitest";
import { composeAdBriefs } from "../../../packages/core/src/plans/briefs/index.ts";
import type { AmplificationPlan } from "../../../packages/core/src/plans/plan.ts";
import { audienceSection } from "../../../packages/web/src/views/audience-section.ts";
import { makeClient, makeRelease } from "../plans/briefs/fixtures.ts";

const briefs = (n: number) =>
  composeAdBriefs({
    release: makeRelease(),
    client: makeClient({ adPlatforms: ["linkedin", "meta"] }),
    trackedLink: () => null,
    windowDeadline: "2026-09-15T02:29:00.000Z",
    mediaList: { contacts: Array.from({ length: n }, (_, i) => ({ email: `j${i}@outlet.example` })), source: "journalists.csv" },
  });
const render = (b: ReturnType<typeof briefs>) => String(audienceSection({ briefs: b } as unknown as AmplificationPlan));

describe("audience section", () => {
  it("says, per platform, who the ads reach and warns only where the list is below the minimum", () => {
    const out = render(briefs(120));
    expect(out).toContain('<li id="audience-linkedin" data-attachable="false">LinkedIn ads reach: Journalists');
    expect(out).toContain("<strong>Warning:</strong> LinkedIn: the media list has 120 contacts, below LinkedIn&#39;s minimum of 300");
    expect(out).toContain('<li id="audience-meta" data-attachable="true">Meta ads reach: Journalists');
    expect(out.match(/Warning:/g)).toHaveLength(1);
  });

  it("escapes the summary and renders nothing for a plan without ad briefs", () => {
    const [b] = briefs(0);
    b!.audience.summary = "<script>x</script>";
    const out = render([b!]);
    expect(out).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(out).not.toContain("<script>");
    expect(render([])).toBe("");
  });
});
