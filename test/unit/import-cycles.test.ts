/**
 * No module of packages/ or functions/ may import itself through others: a cycle means modules that
 * cannot be understood, tested or loaded one without the other. Type-only imports count too (they
 * are a dependency of the source all the same), and so do imports across packages (@pressbridge/*
 * resolve to the packages' source). Nothing is excluded but node_modules. The cruise is
 * dependency-cruiser's, which resolves imports as TypeScript and Node do.
 */
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseOptions, type IViolation } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("import cycles", () => {
  it("there are none across packages/ and functions/, counting `import type`", { timeout: 120_000 }, async () => {
    const options: ICruiseOptions = {
      baseDir: ROOT,
      validate: true,
      ruleSet: { forbidden: [{ name: "no-circular", severity: "error", from: {}, to: { circular: true } }] },
      // Type-only imports and re-exports are dependencies too.
      tsPreCompilationDeps: true,
      doNotFollow: { path: "node_modules" },
      exclude: { path: "node_modules" },
      tsConfig: { fileName: "tsconfig.json" },
      // @pressbridge/* are workspace symlinks whose package.json "exports" point at their src/index.ts.
      enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "node", "default"] },
    };
    const result = await cruise(["packages", "functions"], options, {}, { tsConfig: extractTSConfig(`${ROOT}tsconfig.json`) });
    if (typeof result.output === "string") throw new Error("dependency-cruiser returned a report, not a result");
    const { modules, summary } = result.output;

    // The cruise saw the code: every package's sources and the functions, with imports resolved
    // across packages.
    for (const dir of ["packages/core/src/", "packages/adapters/src/", "packages/web/src/", "packages/cli/src/", "functions/"]) {
      expect(modules.some((m) => m.source.startsWith(dir)), dir).toBe(true);
    }
    const app = modules.find((m) => m.source === "packages/web/src/app.ts");
    expect(app?.dependencies.some((d) => d.module === "@pressbridge/core" && d.resolved === "packages/core/src/index.ts")).toBe(true);

    const cycles = summary.violations
      .filter((v: IViolation) => v.rule.name === "no-circular")
      .map((v: IViolation) => [v.from, ...(v.cycle ?? []).map((c) => c.name)].join(" -> "));
    expect(cycles).toEqual([]);
  });
});
