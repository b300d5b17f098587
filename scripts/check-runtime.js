#!/usr/bin/env node
// Fails fast, with what to do, when the project's tools are missing: Node 24 (from the `node`
// devDependency) and Java 17+ (DynamoDB Local).
import { execFileSync } from "node:child_process";

const problems = [];
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  problems.push(`Node.js 24+ is needed (this is ${process.version}); run through npm scripts or npx after \`npm install\`.`);
}
try {
  const out = execFileSync("java", ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  void out;
} catch (err) {
  const text = `${err.stderr ?? ""}${err.stdout ?? ""}`;
  if (!/version "/.test(text)) problems.push("Java 17+ is needed for DynamoDB Local; run `bash scripts/setup.sh` (installs Debian's openjdk-17-jre-headless).");
}
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`check-runtime: ${p}\n`);
  process.exit(1);
}
