#!/usr/bin/env node
// The `pressbridge` CLI. Runs the TypeScript sources directly on Node 24 (native type stripping).
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(
    `pressbridge: needs Node.js 24 or newer (this is ${process.version}). ` +
      "Run it through the project's own Node: `npx pressbridge ...` after `npm install`.\n",
  );
  process.exit(1);
}
// Node caches the compiled (type-stripped) modules on disk, in NODE_COMPILE_CACHE or the OS temp
// dir: a command after the first skips stripping and compiling ~500 modules again (about half of
// its module loading; docs/performance.md, "CLI start-up").
const { enableCompileCache } = await import("node:module");
enableCompileCache?.();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
