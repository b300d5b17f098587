export {
  bearerToken,
  expectContract,
  oauth1Problem,
  route,
  startContractServer,
  ContractViolation,
  type ContractHandler,
  type ContractReply,
  type ContractRequest,
  type ContractServer,
} from "../../../support/contract-server.ts";

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A test sleep: records every wait and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

/** A fixed clock. */
export const fixedClock = (iso = "2026-11-21T12:00:00.000Z") => ({ now: () => new Date(iso) });
