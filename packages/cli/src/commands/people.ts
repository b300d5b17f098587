import { grantRole, membersOf, revokeAccess, type Grant } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { CLI_ACTOR, inWorkspace, printResult } from "../runtime/workspace-context.ts";
import { requiredFlag, roleFlag, withFlagNames } from "../workspace-flags.ts";

function grantText(g: Grant): string {
  return g.role === "admin" ? "admin" : `${g.role} of ${g.clientId}`;
}

/** `pressbridge people list`: everyone who can sign in, with every role (stored, approver, owner). */
export async function peopleListCommand(args: CommandArgs): Promise<number> {
  const people = await inWorkspace(args, createCliLogger(), async (ctx) => membersOf(await ctx.workspace.load()));
  printResult(args, { people }, () =>
    people.length === 0
      ? "no people (add the first admin with `pressbridge people add --email EMAIL --role admin`)\n"
      : people.map((p) => `${p.email}${p.name === undefined ? "" : ` (${p.name})`}  ${p.grants.map(grantText).join(", ") || "no role"}\n`).join(""),
  );
  return 0;
}

/**
 * `pressbridge people add --email --role admin|lead|approver [--client ID]`: gives a person a role.
 * An approver is added to the client's approvers, so the client's next plans email them.
 */
export async function peopleAddCommand(args: CommandArgs): Promise<number> {
  const email = requiredFlag(args, "email", "the person's email address");
  const role = roleFlag(args, true)!;
  const clientId = typeof args.client === "string" ? args.client : undefined;
  const name = typeof args.name === "string" ? args.name : undefined;
  const result = await inWorkspace(args, createCliLogger(), (ctx) => withFlagNames("person", () => grantRole(ctx, { email, role, clientId, name }, CLI_ACTOR)));
  const grant = role === "admin" ? "an admin" : `${role} of ${clientId}`;
  printResult(args, { status: result.status, person: result.value, role, clientId: clientId ?? null }, () =>
    result.status === "unchanged" ? `${result.value.email} already is ${grant}\n` : `${result.value.email} is now ${grant}\n`,
  );
  return 0;
}

/**
 * `pressbridge people remove --email [--role R] [--client ID]`: one role, or every role and the
 * record; a person left with no role is signed out everywhere (their sessions are deleted).
 */
export async function peopleRemoveCommand(args: CommandArgs): Promise<number> {
  const email = requiredFlag(args, "email", "the person's email address");
  const role = roleFlag(args, false);
  const clientId = typeof args.client === "string" ? args.client : undefined;
  const result = await inWorkspace(args, createCliLogger(), (ctx) => withFlagNames("person", () => revokeAccess(ctx, { email, role, clientId }, CLI_ACTOR)));
  const signedOut = result.sessionsEnded === 0 ? "" : `; signed out of ${result.sessionsEnded} session(s)`;
  printResult(args, { status: result.status, email: result.value, sessionsEnded: result.sessionsEnded }, () =>
    result.status === "removed" ? `took ${role === undefined ? "every role" : role}${clientId === undefined ? "" : ` of ${clientId}`} from ${result.value}${signedOut}\n` : `${result.value} has no such role; nothing changed${signedOut}\n`,
  );
  return 0;
}
