import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";

/**
 * A loopback WebSub hub following the W3C WebSub Recommendation (https://www.w3.org/TR/websub/):
 * - accepts `hub.mode=subscribe` POSTs (section 5.1; form-encoded, hub.callback, hub.topic required)
 *   with 202 Accepted (5.1.2), 400 with plain text for a bad request;
 * - then verifies intent (5.3): GET to the callback with hub.mode, hub.topic, a random single-use
 *   hub.challenge and hub.lease_seconds (its own lease policy: the requested one, capped); the
 *   subscription is active only when the answer is 2xx with the challenge as its body (5.3.1);
 *   each verified request overrides the previous state of that (topic, callback) pair (5.1);
 * - publishes (section 7): POSTs the topic's content to every active callback of the topic, with
 *   the topic's Content-Type, Link headers rel=hub and rel=self, and `X-Hub-Signature:
 *   <method>=<hex HMAC of the body with hub.secret>` when the subscription has a secret (7.1).
 */
export interface LoopbackHub {
  url: string;
  /** Every subscription request received, in order. */
  requests: Array<Record<string, string>>;
  /** Active (verified) subscriptions. */
  subscriptions(): Array<{ topic: string; callback: string; secret: string | undefined; leaseSeconds: number; verifiedAt: number }>;
  /** Resolves once `count` verifications have completed (successfully or not). */
  verified(count: number): Promise<void>;
  /** Distributes `body` to the topic's subscribers; the callbacks' statuses. `tamper` sends a wrong signature. */
  publish(topic: string, body: string | Buffer, options?: { contentType?: string; method?: "sha1" | "sha256" | "sha384" | "sha512"; tamper?: boolean; unsigned?: boolean }): Promise<number[]>;
  /** Forgets every subscription (between tests). */
  reset(): void;
  /** Sends a denial (section 5.2) to the callback. */
  deny(topic: string, callback: string, reason: string): Promise<number>;
  close(): Promise<void>;
}

export async function startLoopbackHub(options: { maxLeaseSeconds?: number; verifyDelayMs?: number } = {}): Promise<LoopbackHub> {
  const requests: LoopbackHub["requests"] = [];
  const active = new Map<string, { topic: string; callback: string; secret: string | undefined; leaseSeconds: number; verifiedAt: number }>();
  let verifications = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const settle = () => {
    verifications++;
    for (const w of [...waiters]) if (verifications >= w.count) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  let url = "";

  const verify = async (form: Record<string, string>): Promise<void> => {
    const challenge = randomBytes(16).toString("hex");
    const requested = Number(form["hub.lease_seconds"] ?? "864000");
    const lease = Math.min(Number.isFinite(requested) && requested > 0 ? requested : 864000, options.maxLeaseSeconds ?? 864000);
    const target = new URL(form["hub.callback"]!);
    target.searchParams.append("hub.mode", form["hub.mode"]!);
    target.searchParams.append("hub.topic", form["hub.topic"]!);
    target.searchParams.append("hub.challenge", challenge);
    target.searchParams.append("hub.lease_seconds", String(lease));
    try {
      const res = await fetch(target, { redirect: "manual" });
      const text = await res.text();
      if (res.status >= 200 && res.status < 300 && text === challenge) {
        active.set(`${form["hub.topic"]}\u0000${form["hub.callback"]}`, {
          topic: form["hub.topic"]!,
          callback: form["hub.callback"]!,
          secret: form["hub.secret"],
          leaseSeconds: lease,
          verifiedAt: Date.now(),
        });
      }
    } finally {
      settle();
    }
  };

  const server: Server = createServer((req, res) => {
    if (req.method !== "POST") return void res.writeHead(405).end();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (!/^application\/x-www-form-urlencoded/.test(req.headers["content-type"] ?? "")) return void res.writeHead(400).end("Content-Type must be application/x-www-form-urlencoded");
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      requests.push(form);
      if (form["hub.mode"] !== "subscribe" && form["hub.mode"] !== "unsubscribe") return void res.writeHead(400).end("hub.mode must be subscribe or unsubscribe");
      if (!form["hub.callback"] || !form["hub.topic"]) return void res.writeHead(400).end("hub.callback and hub.topic are required");
      if (form["hub.secret"] !== undefined && Buffer.byteLength(form["hub.secret"]) >= 200) return void res.writeHead(400).end("hub.secret must be under 200 bytes");
      res.writeHead(202).end();
      // Verification is asynchronous, after the response (section 5.1.2).
      setTimeout(() => void verify(form).catch(() => undefined), options.verifyDelayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/`;

  return {
    url,
    requests,
    subscriptions: () => [...active.values()],
    verified: (count) => (verifications >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    publish: async (topic, body, opts = {}) => {
      const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
      const statuses: number[] = [];
      for (const sub of active.values()) {
        if (sub.topic !== topic) continue;
        const headers: Record<string, string> = {
          "content-type": opts.contentType ?? "application/rss+xml; charset=utf-8",
          link: `<${url}>; rel="hub", <${topic}>; rel="self"`,
        };
        if (sub.secret !== undefined && opts.unsigned !== true) {
          const method = opts.method ?? "sha256";
          const mac = createHmac(method, opts.tamper === true ? `${sub.secret}x` : sub.secret).update(bytes).digest("hex");
          headers["x-hub-signature"] = `${method}=${mac}`;
        }
        const res = await fetch(sub.callback, { method: "POST", headers, body: bytes, redirect: "manual" });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      return statuses;
    },
    reset: () => active.clear(),
    deny: async (topic, callback, reason) => {
      const target = new URL(callback);
      target.searchParams.append("hub.mode", "denied");
      target.searchParams.append("hub.topic", topic);
      target.searchParams.append("hub.reason", reason);
      const res = await fetch(target);
      await res.arrayBuffer();
      active.delete(`${topic}\u0000${callback}`);
      return res.status;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
