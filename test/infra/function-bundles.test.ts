import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { BUNDLE_SIZE_TARGET_BYTES, ensureBundle } from "../../infra/function-bundles.ts";
import { STUB_ENV, sizeStatus } from "../../infra/build-functions.ts";
import { FUNCTIONS } from "../../infra/function-specs.ts";

/**
 * The bundles deployed to Lambda: sizes against docs/design.md's 400 KB target (deterministic, so
 * asserted) and a cold import with stub environment (it must succeed and export `handler`). Module
 * init time is a timing: `npm run build:functions` reports it, no test asserts it.
 */
describe.each(FUNCTIONS)("bundle of $name", (spec) => {
  const bundle = ensureBundle(spec.name);

  it("is within its size limit (the 400 KB target, or a reasoned waiver)", () => {
    const status = sizeStatus(spec, bundle.bytes);
    expect(status.status, `${spec.name} is ${bundle.bytes} bytes: ${JSON.stringify(bundle.topInputs)}`).not.toBe("over");
    if (spec.bundleSizeWaiver === undefined) expect(bundle.bytes).toBeLessThan(BUNDLE_SIZE_TARGET_BYTES);
  });

  it("carries no stale size waiver", () => {
    if (spec.bundleSizeWaiver === undefined) return;
    expect(bundle.bytes, `${spec.name} is under the target now: remove its bundleSizeWaiver`).toBeGreaterThan(BUNDLE_SIZE_TARGET_BYTES);
    expect(spec.bundleSizeWaiver.reason.length).toBeGreaterThan(40);
  });

  it("leaves the AWS SDK to the runtime and bundles everything else", () => {
    expect(bundle.topInputs.some((t) => t.input.startsWith("@aws-sdk/"))).toBe(false);
    expect(bundle.externals.length).toBeGreaterThan(0);
    for (const external of bundle.externals) expect(external).toMatch(/^@aws-sdk\//);
  });

  it("initialises in a fresh Node process with the Lambda environment and exports handler", () => {
    const code = `const m = await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); process.stdout.write(typeof m.handler);`;
    const child = spawnSync(process.execPath, ["--enable-source-maps", "--input-type=module", "-e", code], {
      env: { PATH: process.env.PATH ?? "", ...STUB_ENV },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(child.stderr).toBe("");
    expect(child.stdout).toBe("function");
  });
});

describe("size status", () => {
  it("is ok under the target, waived under a waiver, over otherwise", () => {
    expect(sizeStatus({}, 399_999).status).toBe("ok");
    expect(sizeStatus({}, 400_001).status).toBe("over");
    const waiver = { bundleSizeWaiver: { maxBytes: 450_000, reason: "a reason" } };
    expect(sizeStatus(waiver, 420_000)).toMatchObject({ status: "waived", limitBytes: 450_000 });
    expect(sizeStatus(waiver, 450_001).status).toBe("over");
  });
});
