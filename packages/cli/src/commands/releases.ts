import type { StoredRelease } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import { intFlag, type CommandArgs } from "../command-args.ts";
import { dataDirFrom, openLocalStore } from "../runtime/local-store.ts";

/** `pressbridge releases`: stored releases, newest first, with their sources. */
export async function releasesCommand(args: CommandArgs): Promise<number> {
  const limit = intFlag(args, "limit", 200);
  const days = intFlag(args, "days", 90);
  const logger = createCliLogger();
  const opened = await openLocalStore({ dataDir: dataDirFrom(args), logger });
  try {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    const releases = await opened.store.listReleases({ from: from.toISOString(), to: to.toISOString(), limit });
    if (args.json === true) {
      process.stdout.write(`${JSON.stringify({ releases: releases.map(releaseJson) }, null, 2)}\n`);
    } else if (releases.length === 0) {
      process.stdout.write(`no releases detected in the last ${days} days\n`);
    } else {
      for (const r of releases) {
        process.stdout.write(
          `${r.detectedAt}  ${r.announce.padEnd(9)}  ${r.wire}  ${r.title}\n    ${r.url ?? "(no link)"}  sources: ${r.sources.map((s) => s.feedId).join(", ")}\n`,
        );
      }
    }
    return 0;
  } finally {
    await opened.close();
  }
}

function releaseJson(r: StoredRelease): Record<string, unknown> {
  return {
    id: r.id,
    title: r.title,
    url: r.url,
    publishedAt: r.publishedAt,
    publishedAtPrecision: r.publishedAtPrecision,
    detectedAt: r.detectedAt,
    wire: r.wire,
    issuer: r.issuer,
    tickers: r.tickers,
    language: r.language,
    wireReleaseId: r.wireReleaseId,
    clientId: r.clientId,
    status: r.announce,
    announcedAt: r.announcedAt,
    plannedFor: r.planning?.clientIds ?? null,
    planIds: r.planning?.planIds ?? [],
    summary: r.summary,
    sources: r.sources.map((s) => ({ feedId: s.feedId, url: s.url, seenAt: s.seenAt })),
  };
}
