import type { Access } from "@pressbridge/core";

/** What every signed-in page knows: who is asking, and what they may do (set by the sign-in check). */
export type AppEnv = { Variables: { access: Access } };
