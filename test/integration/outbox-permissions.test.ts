import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OutboxMailer } from "@pressbridge/adapters";

/** Outbox messages hold live review links: only the owner of the data dir may read them. */
const dir = mkdtempSync(join(tmpdir(), "pb-outbox-perm-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const message = { from: "approvals@pressbridge.local", to: ["social@acme.example"], subject: "Review", text: "https://x.example/review/t", html: "<p>t</p>" };

describe("outbox file permissions", () => {
  it("creates the directory 0700 and each message 0600", async () => {
    const outbox = join(dir, "fresh", "outbox");
    const { file } = await new OutboxMailer({ dir: outbox }).send(message);
    expect(statSync(outbox).mode & 0o777).toBe(0o700);
    expect(statSync(join(outbox, file)).mode & 0o777).toBe(0o600);
  });

  it("tightens an outbox directory an older version left group-readable", async () => {
    const outbox = join(dir, "old", "outbox");
    mkdirSync(outbox, { recursive: true, mode: 0o755 });
    const mailer = new OutboxMailer({ dir: outbox });
    await mailer.send(message);
    await mailer.send(message);
    expect(statSync(outbox).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(outbox)) expect(statSync(join(outbox, f)).mode & 0o777).toBe(0o600);
  });
});
