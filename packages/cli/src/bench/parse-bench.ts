import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { decodeFeedBytes, parseFeed } from "@pressbridge/core";
import type ParserType from "rss-parser";
import { median } from "./figures.ts";

/** rss-parser exactly as core loads it (the copy @pressbridge/core depends on). */
const requireFromCore = createRequire(import.meta.resolve("@pressbridge/core"));
const Parser = requireFromCore("rss-parser") as typeof ParserType;

export interface ParseBenchOptions {
  fixturesDir: string;
  rounds: number;
  /** Passes over the whole fixture set per round (each fixture parsed by both sides per pass). */
  passes: number;
  warmupPasses: number;
  progress: (line: string) => void;
}

export interface ParseBenchResult {
  /** parseFeed items/s, median over rounds. */
  oursItemsPerSecond: number;
  /** rss-parser parseString items/s, median over rounds. */
  rssParserItemsPerSecond: number;
  /** Median of the per-round ratios. */
  ratio: number;
  roundRatios: number[];
  fixtures: number;
  itemsPerPass: number;
  bytesPerPass: number;
  /** Fixtures left out because stock rss-parser cannot read them (parseFeed can). */
  excluded: Array<{ file: string; reason: string }>;
}

interface Fixture {
  file: string;
  bytes: Uint8Array;
  text: string;
  items: number;
}

/**
 * Figure 1: parseFeed (decode + parse + normalise, from bytes) against rss-parser's parse-only
 * (`new Parser().parseString` on the text parseFeed decoded), on the real wire fixtures. Both sides
 * are warmed up and interleaved fixture by fixture; the median of the rounds is reported.
 */
export async function runParseBench(options: ParseBenchOptions): Promise<ParseBenchResult> {
  const stock = new Parser();
  const fixtures: Fixture[] = [];
  const excluded: ParseBenchResult["excluded"] = [];
  const files = readdirSync(options.fixturesDir).filter((f) => /\.(xml|rss|rdf|atom)$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no feed fixtures in ${options.fixturesDir}`);
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(join(options.fixturesDir, file)));
    const ours = await parseFeed(bytes, { feedUrl: "https://wire.example/feed" });
    const { text } = decodeFeedBytes(bytes, undefined);
    try {
      const theirs = await stock.parseString(text);
      if (theirs.items.length !== ours.items.length) {
        excluded.push({ file, reason: `rss-parser saw ${theirs.items.length} items, parseFeed ${ours.items.length}` });
        continue;
      }
    } catch (err) {
      excluded.push({ file, reason: `rss-parser: ${(err as Error).message.split("\n")[0]}` });
      continue;
    }
    fixtures.push({ file, bytes, text, items: ours.items.length });
  }
  const itemsPerPass = fixtures.reduce((n, f) => n + f.items, 0);
  const bytesPerPass = fixtures.reduce((n, f) => n + f.bytes.length, 0);

  const ours = async (f: Fixture): Promise<number> => {
    const t0 = performance.now();
    await parseFeed(f.bytes, { feedUrl: "https://wire.example/feed" });
    return performance.now() - t0;
  };
  const theirs = async (f: Fixture): Promise<number> => {
    const t0 = performance.now();
    await stock.parseString(f.text);
    return performance.now() - t0;
  };

  options.progress(`parse: warming up on ${fixtures.length} fixtures (${itemsPerPass} items, ${Math.round(bytesPerPass / 1024)} KiB per pass)`);
  for (let i = 0; i < options.warmupPasses; i++) {
    for (const f of fixtures) {
      await ours(f);
      await theirs(f);
    }
  }

  // Interleaved at the finest grain, each fixture parsed by both sides back to back (alternating who
  // goes first), so a noisy neighbour or a GC slows both sides alike instead of skewing one round.
  const oursRates: number[] = [];
  const theirRates: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    let oursMs = 0;
    let theirsMs = 0;
    for (let p = 0; p < options.passes; p++) {
      for (let i = 0; i < fixtures.length; i++) {
        const f = fixtures[i]!;
        if ((r + p + i) % 2 === 0) {
          oursMs += await ours(f);
          theirsMs += await theirs(f);
        } else {
          theirsMs += await theirs(f);
          oursMs += await ours(f);
        }
      }
    }
    const a = (itemsPerPass * options.passes) / (oursMs / 1000);
    const b = (itemsPerPass * options.passes) / (theirsMs / 1000);
    oursRates.push(a);
    theirRates.push(b);
    ratios.push(a / b);
    options.progress(
      `parse: round ${r + 1}/${options.rounds}: parseFeed ${Math.round(a).toLocaleString("en-US")} items/s, ` +
        `rss-parser ${Math.round(b).toLocaleString("en-US")} items/s (${(a / b).toFixed(2)}x)`,
    );
  }
  return {
    oursItemsPerSecond: median(oursRates),
    rssParserItemsPerSecond: median(theirRates),
    ratio: median(ratios),
    roundRatios: ratios,
    fixtures: fixtures.length,
    itemsPerPass,
    bytesPerPass,
    excluded,
  };
}
