import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * The browser the end-to-end tests drive: Debian's chromium package (scripts/install-browser.sh puts
 * it here), launched by playwright-core. Playwright's own browser downloads are never used.
 */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Flags for a closed network and a root user: no sandbox (root), no GPU (headless server), and none of
 * Chromium's background connections (updates, sync, QUIC probes), which this machine's network refuses.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Skip-or-fail policy: browser tests run by default, and a missing Chromium FAILS them (with how to
 * install it) rather than skipping silently. Only PRESSBRIDGE_SKIP_BROWSER=1 skips them on purpose.
 */
export function skipBrowserTests(): boolean {
  return process.env.PRESSBRIDGE_SKIP_BROWSER === "1";
}

/** Launches headless Chromium; each launch gets a fresh temporary profile (no userDataDir is reused). */
export async function launchBrowser(options: { timeoutMs?: number } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it. ` +
        "Run `bash scripts/install-browser.sh` (or `bash scripts/setup.sh`), or set PRESSBRIDGE_SKIP_BROWSER=1 to skip the browser tests.",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: options.timeoutMs ?? 60_000,
  });
}
