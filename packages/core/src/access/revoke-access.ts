import type { SessionStore } from "../ports.ts";
import { accessOf, hasAnyRole, type Role } from "../workspace/workspace.ts";
import { revokeRole, type EditResult, type WorkspaceDeps } from "../workspace/workspace-edits.ts";
import { revokeSessionsOf } from "./sessions.ts";

/**
 * Takes roles away from a person and, when none is left, ends every session they have.
 *
 * Why: a session is only checked against the workspace at its next request; ending it at once means
 * a removed person's open browser holds nothing, and a later grant never revives an old session.
 * Steps: revokeRole (one role, or all of them and the record); read the workspace as it now is; if
 * the person has no role left (no stored grant, approver of no client, owner of none), delete their
 * sessions. A person keeping any role keeps their sessions. Safe to repeat.
 */
export async function revokeAccess(
  deps: WorkspaceDeps & { sessions: SessionStore },
  input: { email: string; role?: Role | undefined; clientId?: string | undefined },
  actor: string,
): Promise<EditResult<string> & { sessionsEnded: number }> {
  const result = await revokeRole(deps, input, actor);
  const left = accessOf(await deps.workspace.load(), result.value);
  const sessionsEnded = hasAnyRole(left) ? 0 : await revokeSessionsOf(deps, result.value);
  return { ...result, sessionsEnded };
}
