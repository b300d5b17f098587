import { Aspects, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { App, getStack } from "sst/constructs";
import { initProject } from "sst/project.js";
import { load } from "sst/stacks/build.js";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "@pressbridge/core";
import { FUNCTIONS } from "../../infra/function-specs.ts";
import { projectRoot } from "../../infra/function-bundles.ts";
import sstConfig, { PressbridgeService } from "../../sst.config.ts";

// A deployer sets the SES sender (docs/deploy.md); notify-approvers and the sweep send email.
process.env.PRESSBRIDGE_MAIL_FROM ??= "approvals@news.example.com";
import { nagFindings } from "./synth.ts";

/**
 * The SST v2 app synthesises offline: SST's own loader reads sst.config.ts (as `sst deploy` does),
 * and the stack is built with SST's App in deploy mode. `app.finish()` and the sst CLI are not used:
 * they look up the account's SST bootstrap stack, which needs AWS credentials and the network.
 */
const root = projectRoot();
const region = "us-east-1";

beforeAll(async () => {
  await initProject({ stage: "ci", root });
});

describe("sst.config.ts", () => {
  it("names the app and defaults its region", () => {
    expect(sstConfig.config({} as never)).toMatchObject({ name: "pressbridge" });
    expect(sstConfig.config({ region: "eu-west-1" } as never)).toMatchObject({ region: "eu-west-1" });
  });

  it("mounts the Pressbridge construct in an SST stack that synthesises offline", () => {
    const app = new App({ mode: "deploy", stage: "ci", name: "pressbridge", region });
    app.stack(PressbridgeService, { id: "service" });
    const stack = getStack(PressbridgeService);
    expect(stack.stackName).toBe("ci-pressbridge-service");
    const template = Template.fromStack(stack);
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.hasResourceProperties("AWS::Events::EventBus", { Name: "pressbridge-ci" });
    template.hasResourceProperties("AWS::Scheduler::Schedule", { ScheduleExpression: "rate(1 minute)" });
    const ours = Object.values(template.findResources("AWS::Lambda::Function")).filter(
      (fn) => (fn as { Properties: { Runtime: string } }).Properties.Runtime === "nodejs24.x",
    );
    expect(ours).toHaveLength(FUNCTIONS.length);
    // Plus SST's own custom-resource handler, which sst.config.ts suppresses cdk-nag findings on.
    expect(Object.keys(template.findResources("AWS::Lambda::Function"))).toHaveLength(FUNCTIONS.length + 1);
  });

  it("passes cdk-nag AwsSolutions in the SST stack too (SST's own handler suppressed with reasons)", () => {
    const app = new App({ mode: "deploy", stage: "nag", name: "pressbridge", region });
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.stack(PressbridgeService, { id: "service" });
    const stack = app.node.children.find((c): c is Stack => Stack.isStack(c))!;
    Template.fromStack(stack);
    const { errors, warnings } = nagFindings(stack);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("loads through SST's own config loader (esbuild bundle of sst.config.ts) and synthesises", async () => {
    const [, config] = await load(join(root, "sst.config.ts"));
    expect(config.config({})).toMatchObject({ name: "pressbridge" });
    const app = new App({ mode: "deploy", stage: "loaded", name: "pressbridge", region });
    await config.stacks(app);
    const stack = app.node.children.find((c): c is Stack => Stack.isStack(c))!;
    expect(stack.stackName).toBe("loaded-pressbridge-service");
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::Events::EventBus", { Name: "pressbridge-loaded" });
    const consumers = new Set(ROUTES.map((r) => r.consumer));
    template.resourceCountIs("AWS::Events::Rule", FUNCTIONS.filter((f) => consumers.has(f.name)).length);
  });
});
