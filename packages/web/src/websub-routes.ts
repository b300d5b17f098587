import type { Hono } from "hono";
import {
  WEBSUB_MAX_BODY_BYTES,
  answerVerification,
  receiveDistribution,
  type CallbackDeps,
  type DistributionDeps,
} from "@pressbridge/core";
import type { AppEnv } from "./app-env.ts";

/** What the WebSub callback needs (wiring: websubCallbackDeps). */
export type WebSubWebDeps = CallbackDeps & DistributionDeps;

/** The unguessable callback id (18 random bytes, base64url: 24 characters). */
const CALLBACK_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The WebSub subscriber's callback, `/websub/<callbackId>` (W3C WebSub Recommendation,
 * https://www.w3.org/TR/websub/; docs/websub.md). Machine endpoints: no sign-in, the callback id is
 * the capability (section 5.1.1), the hub never sends an Origin, so these are registered before the
 * app's same-origin check on POSTs (the Host check still applies). Plain-text answers.
 * - GET: verification of intent or denial (sections 5.2 and 5.3): the challenge echoed with 200, 404
 *   when the callback or topic is unknown or the mode is not agreed to.
 * - POST: content distribution (section 7): the body capped at 2 MB (413 above, before anything is
 *   read past the cap), X-Hub-Signature checked in constant time; 202 when received (also when the
 *   signature is wrong, in which case the body is ignored, section 7.1.2), 404 for an unknown callback,
 *   410 for a denied or expired subscription.
 */
export function registerWebSub(app: Hono<AppEnv>, deps: WebSubWebDeps | undefined): void {
  app.get("/websub/:callbackId", async (c) => {
    const callbackId = c.req.param("callbackId");
    if (deps === undefined || !CALLBACK_ID.test(callbackId)) return c.text("", 404);
    const q = c.req.query();
    const query: Record<string, string | undefined> = {
      "hub.mode": q["hub.mode"],
      "hub.topic": q["hub.topic"],
      "hub.challenge": q["hub.challenge"],
      "hub.lease_seconds": q["hub.lease_seconds"],
      "hub.reason": q["hub.reason"],
    };
    const answer = await answerVerification(deps, callbackId, query);
    return c.text(answer.body, answer.status as 200 | 404);
  });

  app.post("/websub/:callbackId", async (c) => {
    const callbackId = c.req.param("callbackId");
    if (deps === undefined || !CALLBACK_ID.test(callbackId)) return c.text("", 404);
    const declared = c.req.header("content-length");
    if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > WEBSUB_MAX_BODY_BYTES) return c.text("payload too large", 413);
    const body = await readCapped(c.req.raw.body, WEBSUB_MAX_BODY_BYTES);
    if (body === "too-large") return c.text("payload too large", 413);
    const answer = await receiveDistribution(deps, callbackId, {
      signature: c.req.header("x-hub-signature"),
      body,
      contentType: c.req.header("content-type"),
    });
    return c.body(null, answer.status as 202 | 404 | 410);
  });
}

/** The request body, read until `max` bytes; "too-large" as soon as it passes them (chunked bodies too). */
async function readCapped(stream: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | "too-large"> {
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return "too-large";
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
