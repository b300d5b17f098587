/**
 * `npm run build:functions`: bundles every Lambda in infra/function-specs.ts with esbuild into
 * .build/functions/<name>/ and reports each bundle's size and module-init time against the targets
 * of docs/design.md (< 400 KB minified, init < 150 ms). Exits non-zero when a bundle is over its size
 * limit (the target, or an explicit reasoned waiver in its spec). Init time is reported, not enforced.
 *
 *   node infra/build-functions.ts [--only NAME]... [--no-measure] [--no-size-check] [--json] [--quiet]
 *
 * Synthesis (infra/function-bundles.ts, ensureBundle) runs it with --no-size-check: the size gate is
 * this script and the bundle test, not every synth.
 */
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLE_SIZE_TARGET_BYTES, INIT_TARGET_MS, buildBundle, projectRoot, type FunctionBundle } from "./function-bundles.ts";
import { FUNCTIONS, type FunctionSpec } from "./function-specs.ts";

/** Stub environment a function's module init needs (it validates config and creates clients). */
export const STUB_ENV: Readonly<Record<string, string>> = {
  TABLE_NAME: "pressbridge-init-check",
  EVENT_BUS_NAME: "pressbridge-init-check",
  PRESSBRIDGE_CONFIG: "{}",
  SECRETS_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:pressbridge-init-check",
  MAIL_FROM: "pressbridge@example.com",
  SIGNING_KEYS_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:pressbridge-signing-init-check",
  WEB_BASE_URL: "https://approvals.example.com",
  AWS_REGION: "us-east-1",
  POWERTOOLS_LOG_LEVEL: "WARN",
  NODE_OPTIONS: "--enable-source-maps",
};

export interface InitTiming {
  readonly medianMs: number;
  readonly firstMs: number;
  readonly runs: number;
}

/**
 * Imports the bundle in fresh Node processes (as a Lambda cold start does) and times the import.
 * With `specifiers`, times importing those packages instead (the runtime's AWS SDK share of init),
 * resolved from `fromDir` as the bundle resolves them.
 */
export function measureInit(file: string, runs = 5, specifiers?: readonly string[]): InitTiming {
  const targets = specifiers === undefined ? [pathToFileURL(file).href] : [...specifiers];
  const code =
    `const t0 = performance.now(); for (const m of ${JSON.stringify(targets)}) await import(m); ` +
    `process.stdout.write(String(performance.now() - t0));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ["--enable-source-maps", "--input-type=module", "-e", code], {
      cwd: dirname(file),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...STUB_ENV },
      encoding: "utf8",
      timeout: 30_000,
    });
    if (child.status !== 0) throw new Error(`module init of ${file} failed: ${child.stderr.trim().split("\n").slice(-3).join(" ")}`);
    times.push(Number(child.stdout));
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)]!, firstMs: times[0]!, runs };
}

export interface BundleReport {
  readonly name: string;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly limitBytes: number;
  readonly status: "ok" | "waived" | "over";
  readonly waiverReason?: string;
  readonly init?: InitTiming;
  /** Of the init, importing the AWS SDK packages the runtime provides (measured separately). */
  readonly sdkInit?: InitTiming;
  readonly topInputs: FunctionBundle["topInputs"];
}

export function sizeStatus(spec: Pick<FunctionSpec, "bundleSizeWaiver"> | undefined, bytes: number): Pick<BundleReport, "limitBytes" | "status" | "waiverReason"> {
  const waiver = spec?.bundleSizeWaiver;
  if (bytes <= BUNDLE_SIZE_TARGET_BYTES) return { limitBytes: BUNDLE_SIZE_TARGET_BYTES, status: "ok" };
  if (waiver !== undefined && bytes <= waiver.maxBytes) return { limitBytes: waiver.maxBytes, status: "waived", waiverReason: waiver.reason };
  return { limitBytes: waiver?.maxBytes ?? BUNDLE_SIZE_TARGET_BYTES, status: "over" };
}

const kb = (n: number): string => `${(n / 1000).toFixed(1)} KB`;

function printTable(reports: readonly BundleReport[], out: (line: string) => void): void {
  const rows = [
    ["function", "bundle (min JS)", "target", "source map", "init median", "init first", "of which SDK", "init target", "status"],
    ...reports.map((r) => [
      r.name,
      kb(r.bytes),
      kb(BUNDLE_SIZE_TARGET_BYTES),
      kb(r.mapBytes),
      r.init ? `${r.init.medianMs.toFixed(0)} ms` : "-",
      r.init ? `${r.init.firstMs.toFixed(0)} ms` : "-",
      r.sdkInit ? `${r.sdkInit.medianMs.toFixed(0)} ms` : "-",
      `${INIT_TARGET_MS} ms`,
      r.status === "ok"
        ? "ok"
        : r.status === "waived"
          ? `OVER TARGET, waived up to ${kb(r.limitBytes)}`
          : `OVER LIMIT (${kb(r.limitBytes)})`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) out(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
  for (const r of reports) {
    if (r.init && r.init.medianMs > INIT_TARGET_MS) out(`note: ${r.name} module init ${r.init.medianMs.toFixed(0)} ms is over the ${INIT_TARGET_MS} ms target`);
    if (r.status !== "ok") {
      out(`${r.status === "waived" ? "waiver" : "error"}: ${r.name} is ${kb(r.bytes)}, over the ${kb(BUNDLE_SIZE_TARGET_BYTES)} target${r.waiverReason ? `: ${r.waiverReason}` : ""}`);
      out(`  largest parts: ${r.topInputs.map((t) => `${t.input} ${kb(t.bytes)}`).join(", ")}`);
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const only: string[] = [];
  let measure = true;
  let json = false;
  let quiet = false;
  let sizeCheck = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--only") only.push(argv[++i] ?? "");
    else if (arg === "--no-measure") measure = false;
    else if (arg === "--json") json = true;
    else if (arg === "--quiet") quiet = true;
    else if (arg === "--no-size-check") sizeCheck = false;
    else {
      process.stderr.write(`build-functions: unknown argument ${arg}\n`);
      return 2;
    }
  }
  const root = projectRoot();
  const names = only.length > 0 ? only : FUNCTIONS.map((f) => f.name);
  const reports: BundleReport[] = [];
  for (const name of names) {
    const bundle = await buildBundle(name, root);
    const spec = FUNCTIONS.find((f) => f.name === name);
    reports.push({
      name,
      bytes: bundle.bytes,
      mapBytes: bundle.mapBytes,
      ...sizeStatus(spec, bundle.bytes),
      ...(measure ? { init: measureInit(bundle.file) } : {}),
      ...(measure && bundle.externals.length > 0 ? { sdkInit: measureInit(bundle.file, 5, bundle.externals) } : {}),
      topInputs: bundle.topInputs,
    });
  }
  if (json) process.stdout.write(`${JSON.stringify({ targetBytes: BUNDLE_SIZE_TARGET_BYTES, initTargetMs: INIT_TARGET_MS, bundles: reports })}\n`);
  else if (!quiet) printTable(reports, (line) => process.stdout.write(`${line}\n`));
  const over = reports.filter((r) => r.status === "over");
  if (over.length > 0 && sizeCheck) {
    process.stderr.write(`build-functions: ${over.map((r) => r.name).join(", ")} over the bundle size limit\n`);
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`build-functions: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
