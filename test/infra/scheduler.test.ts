import { beforeAll, describe, expect, it } from "vitest";
import type { Template } from "aws-cdk-lib/assertions";
import { scheduleRequestOf } from "../../packages/adapters/src/eventbridge-scheduler.ts";
import { scheduledActionOf } from "../../functions/shared/lambda-runtime.ts";
import { FUNCTIONS } from "../../infra/function-specs.ts";
import { ACCOUNT, REGION, allows, iamRequirements, replayResolver, resolve, roleGrants, used, type Grant, type Resolver } from "./aws-calls.ts";
import { functionId, nagFindings, resourcesOf, synthStack } from "./synth.ts";

/**
 * The scheduled actions in the synthesised template (docs/scheduling.md, "In AWS"; docs/deploy.md):
 * the stage's schedule group, the role Scheduler invokes the publish function with (trusted by
 * Scheduler for this account only, allowed to invoke publish and nothing else), the target's ARN and
 * the scheduler's environment on the two functions that set schedules, their exact grants, and the
 * input a schedule carries as the publish function reads it.
 */
const STAGE = "sched";
const TARGET_NAME = `pressbridge-${STAGE}-publish`;
const TARGET_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${TARGET_NAME}`;
const SCHEDULING_ENV = ["SCHEDULE_GROUP", "SCHEDULER_ROLE_ARN", "SCHEDULE_TARGET_ARN"];
const SCHEDULERS = ["approval-web", "publish"];

let template: Template;
let resolver: Resolver;
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown };

beforeAll(() => {
  template = synthStack(STAGE).template;
  resolver = replayResolver(template, { tableName: "t", webUrl: "https://web.example/" });
});

function fnOf(name: string): Resource {
  return resourcesOf(template, "AWS::Lambda::Function")[functionId(template, name)] as Resource;
}
function envOf(name: string): Record<string, unknown> {
  return (fnOf(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}
function roleId(): string {
  const ids = Object.entries(resourcesOf(template, "AWS::IAM::Role"))
    .filter(([, r]) => JSON.stringify(r.Properties!.AssumeRolePolicyDocument).includes("scheduler.amazonaws.com"))
    .filter(([, r]) => String(r.Properties!.Description).includes("scheduled actions"))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}
const schedulingGrants = (grants: Grant[]) => grants.filter((g) => g.action.startsWith("scheduler:") || g.action === "iam:PassRole");

describe("scheduled actions in the template", () => {
  it("one schedule group for the stage, pressbridge-<stage>", () => {
    const groups = Object.values(resourcesOf(template, "AWS::Scheduler::ScheduleGroup"));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.Properties).toEqual({ Name: `pressbridge-${STAGE}` });
  });

  it("the scheduler's role: assumable by scheduler.amazonaws.com for this account only, allowed lambda:InvokeFunction on publish (unqualified) and nothing else", () => {
    const role = resourcesOf(template, "AWS::IAM::Role")[roleId()]!;
    expect(role.Properties!.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } } },
      ],
    });
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties!.Policies).toBeUndefined();
    const policies = Object.values(resourcesOf(template, "AWS::IAM::Policy")).filter((p) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === roleId()));
    expect(policies).toHaveLength(1);
    const statements = (policies[0]!.Properties!.PolicyDocument as { Statement: { Action: unknown; Effect: string; Resource: unknown }[] }).Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toBe("lambda:InvokeFunction");
    expect(statements[0]!.Effect).toBe("Allow");
    expect(resolve(statements[0]!.Resource, resolver)).toBe(TARGET_ARN);
  });

  it("the target is the publish function, by its fixed name: SCHEDULE_TARGET_ARN is its ARN, built without a reference to it (no cycle)", () => {
    expect(FUNCTIONS.filter((f) => f.scheduledActionTarget === true).map((f) => f.name)).toEqual(["publish"]);
    expect(fnOf("publish").Properties.FunctionName).toBe(TARGET_NAME);
    const publishId = functionId(template, "publish");
    for (const name of SCHEDULERS) {
      const env = envOf(name);
      expect(resolve(env.SCHEDULE_TARGET_ARN, resolver), name).toBe(TARGET_ARN);
      expect(env.SCHEDULE_GROUP, name).toBe(`pressbridge-${STAGE}`);
      expect(env.SCHEDULER_ROLE_ARN, name).toEqual({ "Fn::GetAtt": [roleId(), "Arn"] });
      // Neither environment refers to the publish function's resource: its own would be a cycle, and
      // approval-web's too (publish refers to approval-web's URL).
      expect(JSON.stringify(env), name).not.toContain(publishId);
    }
  });

  it("only approval-web and publish schedule actions: the scheduler's environment and grants, and nobody else's", () => {
    expect(FUNCTIONS.filter((f) => f.schedulesActions === true).map((f) => f.name).sort()).toEqual(SCHEDULERS);
    for (const spec of FUNCTIONS) {
      const env = envOf(spec.name);
      const grants = schedulingGrants(roleGrants(template, functionId(template, spec.name), resolver));
      if (SCHEDULERS.includes(spec.name)) {
        for (const key of SCHEDULING_ENV) expect(env[key], `${spec.name} ${key}`).toBeDefined();
        expect(grants.map((g) => `${g.action} on ${g.resource}${g.passedToService ? ` to ${g.passedToService}` : ""}`).sort(), spec.name).toEqual([
          `iam:PassRole on <${roleId()}.Arn> to scheduler.amazonaws.com`,
          `scheduler:CreateSchedule on arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/pressbridge-${STAGE}/*`,
          `scheduler:DeleteSchedule on arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/pressbridge-${STAGE}/*`,
          `scheduler:UpdateSchedule on arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/pressbridge-${STAGE}/*`,
        ]);
      } else {
        for (const key of SCHEDULING_ENV) expect(env[key], `${spec.name} ${key}`).toBeUndefined();
        expect(grants, spec.name).toEqual([]);
      }
    }
  });

  it("a schedule the adapter sets with that environment targets publish with the role, carries the input publish reads, and its calls are exactly what the grants allow", () => {
    for (const name of SCHEDULERS) {
      const env = Object.fromEntries(SCHEDULING_ENV.map((k) => [k, resolve(envOf(name)[k], resolver)]));
      const trigger = { planId: "p_infra000000000000001", actionKey: "p_infra000000000000001:post:x:v1", at: "2026-11-24T15:00:00.000Z", timeZone: "America/New_York" };
      const request = scheduleRequestOf(trigger, { groupName: env.SCHEDULE_GROUP!, targetArn: env.SCHEDULE_TARGET_ARN!, roleArn: env.SCHEDULER_ROLE_ARN!, now: new Date("2026-11-24T12:00:00.000Z") });
      expect(request.Target).toMatchObject({ Arn: TARGET_ARN, RoleArn: `<${roleId()}.Arn>` });
      expect(request).toMatchObject({ GroupName: `pressbridge-${STAGE}`, ScheduleExpression: "at(2026-11-24T10:00:00)", ScheduleExpressionTimezone: "America/New_York", ActionAfterCompletion: "DELETE", FlexibleTimeWindow: { Mode: "OFF" } });
      // The input, as the publish function tells it from an EventBridge event.
      expect(scheduledActionOf(JSON.parse(request.Target!.Input!))).toEqual({ source: "pressbridge.schedule", planId: trigger.planId, actionKey: trigger.actionKey });

      const calls = ["CreateSchedule", "UpdateSchedule", "DeleteSchedule"].map((operation) => ({
        fn: name,
        service: "scheduler",
        operation,
        input: (operation === "DeleteSchedule" ? { Name: request.Name, GroupName: request.GroupName } : request) as Record<string, unknown>,
      }));
      const requirements = calls.flatMap(iamRequirements);
      const grants = roleGrants(template, functionId(template, name), resolver);
      expect(requirements.filter((r) => !allows(grants, r)), name).toEqual([]);
      expect(schedulingGrants(grants).filter((g) => !used(g, requirements)), name).toEqual([]);
      // Passing the role to any other service is not allowed.
      expect(allows(grants, { action: "iam:PassRole", anyOf: [String(request.Target!.RoleArn)], passedToService: "lambda.amazonaws.com" })).toBe(false);
      // Another group's schedules are out of reach.
      expect(allows(grants, { action: "scheduler:CreateSchedule", anyOf: [`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/${request.Name}`] })).toBe(false);
    }
  });

  it("cdk-nag stays clean (the group-scoped schedule wildcard is suppressed with its reason)", () => {
    const { stack } = synthStack(`${STAGE}-nag`, {}, true);
    expect(nagFindings(stack)).toEqual({ errors: [], warnings: [] });
  });
});
