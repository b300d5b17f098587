import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "@pressbridge/core";
import { workspaceFileOf } from "@pressbridge/adapters";
import { CONFIG_FILE_NAME, WORKSPACE_ACTIONS } from "../../infra/function-construct.ts";
import { FUNCTIONS, type FunctionSpec } from "../../infra/function-specs.ts";
import { writeConfigAsset } from "../../infra/pressbridge-construct.ts";
import { serviceProps } from "../../infra/service-settings.ts";
import { functionId, resourcesOf, synthStack } from "./synth.ts";

/**
 * The deploy's side of the workspace seed (docs/deploy.md): the config file's people ship in the
 * config layer with it, the `firstAdmin` setting reaches exactly the functions that load the
 * workspace (PRESSBRIDGE_FIRST_ADMIN), and a function that loads the workspace without the seed's
 * table actions fails the synth.
 */
const dir = mkdtempSync(join(tmpdir(), "pressbridge-seed-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const variablesOf = (template: ReturnType<typeof synthStack>["template"], name: string) =>
  (resourcesOf(template, "AWS::Lambda::Function")[functionId(template, name)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;

describe("the workspace seed at deploy", () => {
  it("reads firstAdmin (context or PRESSBRIDGE_FIRST_ADMIN) and the config file's people", () => {
    writeFileSync(
      join(dir, "pressbridge.config.json"),
      JSON.stringify({ clients: [], people: [{ email: "Lead@Agency.example", grants: [{ role: "admin" }] }] }),
    );
    const props = serviceProps("dev", (_key, env) => (env === "PRESSBRIDGE_FIRST_ADMIN" ? " ops@agency.example " : undefined), dir);
    expect(serviceProps("dev", (key) => (key === "firstAdmin" ? "ctx@agency.example" : undefined), dir).firstAdmin).toBe("ctx@agency.example");
    expect(props.firstAdmin).toBe("ops@agency.example");
    expect(props.people).toEqual([{ email: "lead@agency.example", grants: [{ role: "admin" }] }]);
  });

  it("ships the people in the config layer's file, which the seed reads back as they were", () => {
    const people = [{ email: "lead@agency.example", grants: [{ role: "admin" as const }] }];
    const config = parseConfig({ feeds: [{ id: "wire", url: "https://wire.example/rss" }] });
    const layer = writeConfigAsset(config, dir, () => {}, people);
    const file = workspaceFileOf(JSON.parse(readFileSync(join(layer, CONFIG_FILE_NAME), "utf8")), join(layer, CONFIG_FILE_NAME));
    expect(file.people).toEqual(people);
    expect(file.config.feeds.map((f) => f.id)).toEqual(["wire"]);
    // Without people, the file is what it always was (the same content-addressed asset).
    expect(JSON.parse(readFileSync(join(writeConfigAsset(config, dir), CONFIG_FILE_NAME), "utf8"))).not.toHaveProperty("people");
  });

  it("sets PRESSBRIDGE_FIRST_ADMIN (lower-cased) on the functions that load the workspace, and on no other", () => {
    const { template } = synthStack("dev", { firstAdmin: "Ops@Agency.example" });
    for (const spec of FUNCTIONS) expect(variablesOf(template, spec.name).PRESSBRIDGE_FIRST_ADMIN, spec.name).toBe(spec.loadsWorkspace === true ? "ops@agency.example" : undefined);
    const without = synthStack("dev").template;
    for (const spec of FUNCTIONS) expect(variablesOf(without, spec.name).PRESSBRIDGE_FIRST_ADMIN, spec.name).toBeUndefined();
  });

  it("refuses a firstAdmin that is not an email address", () => {
    expect(() => synthStack("dev", { firstAdmin: "ops" })).toThrow(/firstAdmin "ops": must be an email address/);
  });

  it("every function that loads the workspace is granted what its seed calls; one without fails the synth naming the action", () => {
    for (const spec of FUNCTIONS.filter((f) => f.loadsWorkspace === true)) expect(spec.tableActions, spec.name).toEqual(expect.arrayContaining([...WORKSPACE_ACTIONS]));
    const lacking: FunctionSpec[] = FUNCTIONS.map((f) => (f.name === "audit" ? { ...f, tableActions: f.tableActions.filter((a) => a !== "dynamodb:Query") } : f));
    expect(() => synthStack("dev", { functions: lacking })).toThrow(/function "audit" loads the workspace, which may seed it: its tableActions need dynamodb:Query/);
  });
});
