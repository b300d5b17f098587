import { describe, expect, it } from "vitest";
import { relativeTo } from "../../../packages/web/src/views/format.ts";

describe("relativeTo", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();

  it("says less than a minute for the seconds a fast feed's polls are apart, then minutes, then hours", () => {
    expect(relativeTo(at(-5_000), now)).toBe("less than a minute ago");
    expect(relativeTo(at(4_000), now)).toBe("in less than a minute");
    expect(relativeTo(at(-90_000), now)).toBe("2 min ago");
    expect(relativeTo(at(45 * 60_000), now)).toBe("in 45 min");
    expect(relativeTo(at(-4 * 3_600_000), now)).toBe("4 h ago");
  });
});
