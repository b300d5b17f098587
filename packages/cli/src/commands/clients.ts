import { removeEntity, saveEntity, ValidationError, type ClientConfig } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { CLI_ACTOR, inWorkspace, printResult } from "../runtime/workspace-context.ts";
import { clientInputFromFlags, requiredFlag, withFlagNames } from "../workspace-flags.ts";

/** `pressbridge clients list`: the workspace's clients with their settings. */
export async function clientsListCommand(args: CommandArgs): Promise<number> {
  const clients = await inWorkspace(args, createCliLogger(), async (ctx) => (await ctx.workspace.load()).clients);
  const sorted = [...clients].sort((a, b) => a.id.localeCompare(b.id));
  printResult(args, { clients: sorted }, () => (sorted.length === 0 ? "no clients (add one with `pressbridge clients add`)\n" : sorted.map(clientLine).join("")));
  return 0;
}

function clientLine(c: ClientConfig): string {
  return (
    `${c.id}  ${c.name}  owner ${c.owner}  approvers ${c.approvers.join(", ")}\n` +
    `    keywords ${c.keywords.length === 0 ? "(none: bound feeds only)" : c.keywords.join(", ")}; window ${c.windowHours} h; ${c.timezone}; ` +
    `channels ${c.channels.join(", ")}; ads ${c.adPlatforms.join(", ")} in ${c.adDefaults.locations.join(", ")}\n`
  );
}

/** `pressbridge clients add --id --name --owner --approver...`: a new client (an existing id is refused). */
export async function clientsAddCommand(args: CommandArgs): Promise<number> {
  requiredFlag(args, "id", "the client's id, e.g. acme");
  requiredFlag(args, "name", "the client's name");
  requiredFlag(args, "owner", "the email of the account lead who owns the client");
  if (args.approver === undefined) throw new ValidationError("--approver", "is required (at least one email the approval emails go to)");
  return saveClient(args, "create");
}

/** `pressbridge clients update --id ID [flags]`: the flags given, merged over the stored client. */
export async function clientsUpdateCommand(args: CommandArgs): Promise<number> {
  requiredFlag(args, "id", "the id of the client to change");
  return saveClient(args, "update");
}

async function saveClient(args: CommandArgs, mode: "create" | "update"): Promise<number> {
  const result = await inWorkspace(args, createCliLogger(), async (ctx) => {
    const stored = (await ctx.workspace.load()).clients.find((c) => c.id === args.id);
    return withFlagNames("client", () => saveEntity(ctx, "client", clientInputFromFlags(args, stored), CLI_ACTOR, mode));
  });
  const client = result.value as ClientConfig;
  printResult(args, { status: result.status, client }, () =>
    result.status === "unchanged" ? `client ${client.id} unchanged\n` : `${result.status === "created" ? "added" : "changed"} client ${client.id}\n${clientLine(client)}`,
  );
  return 0;
}

/** `pressbridge clients remove --id ID`: the client, its bound feeds and its media list (plans and releases stay). */
export async function clientsRemoveCommand(args: CommandArgs): Promise<number> {
  const id = requiredFlag(args, "id", "the id of the client to remove");
  const result = await inWorkspace(args, createCliLogger(), (ctx) => removeEntity(ctx, "client", id, CLI_ACTOR));
  printResult(args, { status: result.status, id }, () => (result.status === "removed" ? `removed client ${id}\n` : `there is no client ${id}; nothing removed\n`));
  return 0;
}
