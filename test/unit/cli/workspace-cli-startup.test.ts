import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** The workspace commands, like the read commands, load core and the DynamoDB adapters only (docs/performance.md). */
const CLI = resolve(import.meta.dirname, "../../../packages/cli/src");

function modulesLoadedBy(file: string): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const seen = [];
    registerHooks({ load(url, context, next) { seen.push(url); return next(url, context); } });
    await import(${JSON.stringify(file)});
    process.stdout.write(JSON.stringify(seen));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: "1" } });
  if (run.status !== 0) throw new Error(`importing ${file} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

const HEAVY = [/\/node_modules\/hono\//, /\/node_modules\/nodemailer\//, /\/packages\/web\/src\//, /\/packages\/adapters\/src\/index\.ts$/, /\/packages\/adapters\/src\/wiring\.ts$/, /\/packages\/cli\/src\/commands\/start\.ts$/];

describe("workspace commands' start-up", () => {
  it.each(["clients", "feeds", "people", "media-list", "config", "log"])("`%s` loads no web app, mailer or wiring", (command) => {
    const loaded = modulesLoadedBy(`${CLI}/commands/${command}.ts`);
    expect(loaded.some((u) => u.endsWith("/packages/adapters/src/dynamodb-workspace-store.ts"))).toBe(true);
    expect(loaded.filter((u) => HEAVY.some((h) => h.test(u)))).toEqual([]);
  });
});
