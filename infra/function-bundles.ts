/**
 * Lambda bundles: one esbuild bundle per function under functions/, built offline with the local
 * esbuild (no Docker, no network) into .build/functions/<name>/index.mjs and cached by the content
 * of its inputs, so a synth or a test run bundles each function at most once.
 *
 * Choices (docs/deploy.md, "Bundles"):
 * - ESM, minified, target node24, with a linked source map (no sources content) for
 *   NODE_OPTIONS=--enable-source-maps.
 * - `@aws-sdk/*` is external: the nodejs24.x runtime ships SDK v3. Bundling it adds ~340 KB per
 *   function, far past the 400 KB target of docs/design.md. The adapters use only long-stable APIs.
 *   `@smithy/node-http-handler` (imported directly by the adapters) and Powertools are bundled.
 * - The workspace packages are marked free of side effects (their modules only declare things), so
 *   a function bundles only the parts of the @pressbridge/* barrels it uses.
 * - Node's deprecated `punycode` module (required by twitter-text) is replaced by the userland package.
 * - `import { z } from "zod"` in our sources is read as a namespace import of the same zod module,
 *   which esbuild can tree-shake (zod's `z` re-export otherwise pulls in all of zod, locales included).
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** docs/design.md: each bundle < 400 KB minified (decimal KB: 400,000 bytes of JavaScript). */
export const BUNDLE_SIZE_TARGET_BYTES = 400_000;
/** docs/design.md: module init < 150 ms. Reported by the build, never asserted (it is a timing). */
export const INIT_TARGET_MS = 150;

export interface FunctionBundle {
  readonly name: string;
  /** The asset directory: index.mjs and index.mjs.map. */
  readonly dir: string;
  readonly file: string;
  /** Bytes of minified JavaScript (the size the target applies to). */
  readonly bytes: number;
  readonly mapBytes: number;
  /** False when the cache was reused. */
  readonly built: boolean;
  /** The largest contributors to the bundle, in bytes of output. */
  readonly topInputs: readonly { readonly input: string; readonly bytes: number }[];
  /** Packages the bundle imports from the runtime (the AWS SDK). */
  readonly externals: readonly string[];
}

interface Manifest {
  readonly recipe: string;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly inputs: readonly (readonly [path: string, size: number, mtimeMs: number])[];
  readonly topInputs: FunctionBundle["topInputs"];
  readonly externals: FunctionBundle["externals"];
}

/** The repository root: the nearest ancestor whose package.json is this project's. */
export function projectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && existsSync(join(dir, "functions"))) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "pressbridge") return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the pressbridge project root above ${from}`);
    dir = parent;
  }
}

export function bundlesDir(root: string = projectRoot()): string {
  return join(root, ".build", "functions");
}

export function entryFor(name: string, root: string = projectRoot()): string {
  return join(root, "functions", `${name}.ts`);
}

/** Banner giving ESM bundles a `require` for the CommonJS dependencies inside them. */
const BANNER = "import{createRequire as __pbCreateRequire}from'node:module';const require=__pbCreateRequire(import.meta.url);";

function esbuildVersion(root: string): string {
  const require = createRequire(join(root, "package.json"));
  return (require("esbuild/package.json") as { version: string }).version;
}

/**
 * Everything besides the inputs that decides the output: esbuild's version and this file (read from
 * the project, not from import.meta.url: SST runs this code from a temporary bundle of sst.config.ts).
 */
function recipeHash(root: string): string {
  const self = readFileSync(join(root, "infra", "function-bundles.ts"));
  return createHash("sha256").update(esbuildVersion(root)).update(self).digest("hex").slice(0, 16);
}

function manifestPath(name: string, root: string): string {
  return join(bundlesDir(root), `${name}.manifest.json`);
}

/** The cached bundle when its recipe and every input (size and mtime) are unchanged, else undefined. */
export function cachedBundle(name: string, root: string = projectRoot()): FunctionBundle | undefined {
  const path = manifestPath(name, root);
  if (!existsSync(path)) return undefined;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.recipe !== recipeHash(root)) return undefined;
  for (const [input, size, mtimeMs] of manifest.inputs) {
    try {
      const st = statSync(join(root, input));
      if (st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
    } catch {
      return undefined;
    }
  }
  const dir = join(bundlesDir(root), name);
  const file = join(dir, "index.mjs");
  if (!existsSync(file) || statSync(file).size !== manifest.bytes) return undefined;
  return {
    name,
    dir,
    file,
    bytes: manifest.bytes,
    mapBytes: manifest.mapBytes,
    built: false,
    topInputs: manifest.topInputs,
    externals: manifest.externals ?? [],
  };
}

type EsbuildPlugin = import("esbuild").Plugin;

/** Marks modules of the workspace packages (packages/*\/src) as free of side effects. */
function workspaceSideEffectsPlugin(root: string): EsbuildPlugin {
  const packagesDir = join(root, "packages") + "/";
  return {
    name: "pressbridge-workspace-side-effects",
    setup(build) {
      build.onResolve({ filter: /^(\.|@pressbridge\/)/ }, async (args) => {
        if ((args.pluginData as { inner?: boolean } | undefined)?.inner) return undefined;
        const result = await build.resolve(args.path, {
          resolveDir: args.resolveDir,
          kind: args.kind,
          importer: args.importer,
          pluginData: { inner: true },
        });
        if (result.errors.length > 0) return { errors: result.errors };
        return { path: result.path, external: result.external, sideEffects: result.path.startsWith(packagesDir) ? false : result.sideEffects };
      });
    },
  };
}

/**
 * xml2js (under rss-parser) requires xmlbuilder for its Builder, which Pressbridge never uses: it only
 * parses. The bundle gets a stand-in that fails loudly if anything ever tries to build XML (~69 KB less).
 */
function xmlbuilderStubPlugin(): EsbuildPlugin {
  return {
    name: "pressbridge-xmlbuilder-stub",
    setup(build) {
      build.onResolve({ filter: /^xmlbuilder$/ }, () => ({ path: "xmlbuilder", namespace: "pressbridge-stub" }));
      build.onLoad({ filter: /.*/, namespace: "pressbridge-stub" }, () => ({
        contents: 'module.exports = { create() { throw new Error("xmlbuilder is not bundled: Pressbridge only parses XML"); } };',
        loader: "js",
      }));
    },
  };
}

/** Reads `import { z } from "zod"` in our own sources as `import * as z` of the same module. */
function zodNamespacePlugin(root: string): EsbuildPlugin {
  const require = createRequire(join(root, "package.json"));
  const zodDir = dirname(require.resolve("zod/package.json"));
  const external = join(zodDir, "v4", "classic", "external.js");
  const ownSources = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(packages/[^/]+/src|functions)/.*\\.ts$`);
  return {
    name: "pressbridge-zod-namespace",
    setup(build) {
      if (!existsSync(external)) return; // another zod layout: bundle it as is
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!ownSources.test(args.path)) return undefined;
        const source = await readFile(args.path, "utf8");
        if (!source.includes('import { z } from "zod";')) return undefined;
        return { contents: source.replaceAll('import { z } from "zod";', `import * as z from ${JSON.stringify(external)};`), loader: "ts" };
      });
    },
  };
}

function writeAtomically(path: string, contents: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** Bundles one function now (async esbuild, plugins included) and records its cache manifest. */
export async function buildBundle(name: string, root: string = projectRoot()): Promise<FunctionBundle> {
  const entry = entryFor(name, root);
  if (!existsSync(entry)) throw new Error(`functions/${name}.ts does not exist (function spec "${name}")`);
  const esbuild = await import("esbuild");
  const dir = join(bundlesDir(root), name);
  mkdirSync(dir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: join(dir, "index.mjs"),
    bundle: true,
    platform: "node",
    target: "node24",
    format: "esm",
    mainFields: ["module", "main"],
    minify: true,
    charset: "utf8",
    legalComments: "none",
    sourcemap: "linked",
    sourcesContent: false,
    external: ["@aws-sdk/*"],
    // twitter-text requires Node's deprecated `punycode` module (a DEP0040 warning in every cold
    // start's log); the userland package of the same API is bundled instead.
    alias: { punycode: "punycode/punycode.js" },
    banner: { js: BANNER },
    plugins: [workspaceSideEffectsPlugin(root), zodNamespacePlugin(root), xmlbuilderStubPlugin()],
    metafile: true,
    write: false,
    logLevel: "error",
  });
  let bytes = 0;
  let mapBytes = 0;
  for (const out of result.outputFiles) {
    writeAtomically(out.path, out.contents);
    if (out.path.endsWith(".map")) mapBytes = out.contents.byteLength;
    else bytes = out.contents.byteLength;
  }
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const byPackage = new Map<string, number>();
  for (const [input, info] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split("/").slice(0, 3).join("/");
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + info.bytesInOutput);
  }
  const topInputs = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([input, n]) => ({ input, bytes: n }));
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes(":")) // virtual modules have a namespace prefix
    .map((input) => {
      const st = statSync(join(root, input));
      return [input, st.size, st.mtimeMs] as const;
    });
  const externals = [...new Set((output?.imports ?? []).filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path))].sort();
  const manifest: Manifest = { recipe: recipeHash(root), bytes, mapBytes, inputs, topInputs, externals };
  writeAtomically(manifestPath(name, root), JSON.stringify(manifest));
  return { name, dir, file: join(dir, "index.mjs"), bytes, mapBytes, built: true, topInputs, externals };
}

/**
 * The bundle of a function, synchronously (CDK constructs are synchronous): the cached one when it is
 * current, otherwise built by a child Node process running infra/build-functions.ts.
 */
export function ensureBundle(name: string, root: string = projectRoot()): FunctionBundle {
  const cached = cachedBundle(name, root);
  if (cached !== undefined) return cached;
  // Concurrent synths (parallel test files, two apps) wait for one build instead of each running one.
  mkdirSync(bundlesDir(root), { recursive: true });
  return withLock(join(bundlesDir(root), `${name}.lock`), () => cachedBundle(name, root) ?? buildInChild(name, root));
}

const LOCK_STALE_MS = 120_000;

function withLock<T>(lockDir: string, fn: () => T): T {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() - started > LOCK_STALE_MS) throw new Error(`timed out waiting for ${lockDir}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function buildInChild(name: string, root: string): FunctionBundle {
  const script = join(root, "infra", "build-functions.ts");
  const child = spawnSync(process.execPath, [script, "--only", name, "--no-measure", "--no-size-check", "--quiet"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.status !== 0) {
    throw new Error(`bundling functions/${name}.ts failed (exit ${child.status}): ${child.stderr || child.stdout || child.error?.message}`);
  }
  const built = cachedBundle(name, root);
  if (built === undefined) throw new Error(`bundling functions/${name}.ts produced no usable bundle in ${bundlesDir(root)}`);
  return { ...built, built: true };
}
