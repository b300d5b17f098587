import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * What a CLI command loads before it runs (docs/performance.md, "CLI start-up"). Counts modules, not
 * milliseconds: each case imports modules in a fresh Node process with a load hook that records every
 * file, so an eager import re-added to main.ts or to a read command's imports fails here.
 */
const CLI = resolve(import.meta.dirname, "../../../packages/cli/src");

function modulesLoadedBy(files: string[]): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const seen = [];
    registerHooks({ load(url, context, next) { seen.push(url); return next(url, context); } });
    for (const file of ${JSON.stringify(files)}) await import(file);
    process.stdout.write(JSON.stringify(seen));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: "1" } });
  if (run.status !== 0) throw new Error(`importing ${files.join(", ")} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

/** What no read-only command needs: the web app, publishing, email, EventBridge, the wiring, the bench. */
const HEAVY = [
  /\/node_modules\/hono\//,
  /\/node_modules\/@hono\//,
  /\/node_modules\/nodemailer\//,
  /\/node_modules\/@aws-sdk\/client-eventbridge\//,
  /\/node_modules\/@aws-sdk\/client-sesv2\//,
  /\/node_modules\/@aws-sdk\/client-secrets-manager\//,
  /\/packages\/web\/src\//,
  /\/packages\/adapters\/src\/publishers\//,
  /\/packages\/adapters\/src\/mailers\//,
  /\/packages\/adapters\/src\/wiring\.ts$/,
  /\/packages\/adapters\/src\/index\.ts$/,
  /\/packages\/cli\/src\/bench\//,
  /\/packages\/cli\/src\/commands\/start\.ts$/,
];

function heavyIn(urls: string[]): string[] {
  return urls.filter((u) => HEAVY.some((h) => h.test(u)));
}

describe("CLI start-up", () => {
  it("main.ts loads no command, no package and no SDK until a command runs", () => {
    const loaded = modulesLoadedBy([`${CLI}/main.ts`]);
    const project = loaded.filter((u) => u.startsWith("file:"));
    expect(project.map((u) => u.slice(u.indexOf("/packages/")))).toEqual(["/packages/cli/src/main.ts"]);
  });

  it.each(["releases", "plans"])("`%s` loads only what a read needs: core and the DynamoDB adapters", (command) => {
    const loaded = modulesLoadedBy([`${CLI}/main.ts`, `${CLI}/commands/${command}.ts`]);
    expect(loaded.some((u) => u.endsWith("/packages/adapters/src/dynamodb-release-store.ts"))).toBe(true);
    expect(heavyIn(loaded)).toEqual([]);
  });
});
