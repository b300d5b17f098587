import { App, Aspects, Stack } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { parseConfig } from "@pressbridge/core";
import { PressbridgeStack } from "../../infra/pressbridge-stack.ts";
import type { PressbridgeProps } from "../../infra/pressbridge-construct.ts";

/** Synthesises the plain CDK stack for a stage (environment-agnostic, offline), optionally with cdk-nag. */
export function synthStack(
  stage: string,
  overrides: Partial<PressbridgeProps> = {},
  nag = false,
  extend?: (stack: Stack) => void,
): { stack: Stack; template: Template } {
  const app = new App();
  if (nag) Aspects.of(app).add(new AwsSolutionsChecks());
  const stack = new PressbridgeStack(app, `pressbridge-${stage}`, { stage, config: parseConfig({}), mailFrom: "approvals@news.example.com", ...overrides });
  extend?.(stack);
  // Aspects (cdk-nag) run during synthesis; Template.fromStack synthesises.
  const template = Template.fromStack(stack);
  return { stack, template };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** Logical id of the Lambda function of a spec (found by its POWERTOOLS_SERVICE_NAME). */
export function functionId(template: Template, name: string): string {
  const found = template.findResources("AWS::Lambda::Function", {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: name } } },
  });
  const ids = Object.keys(found);
  if (ids.length !== 1) throw new Error(`expected one function ${name}, found ${ids.length}`);
  return ids[0]!;
}

/** The IAM policy statements attached to a function's role. */
export function roleStatements(template: Template, fnId: string): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  const fn = resourcesOf(template, "AWS::Lambda::Function")[fnId]!;
  const roleId = ((fn.Properties!.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"])[0];
  const policies = Object.values(resourcesOf(template, "AWS::IAM::Policy")).filter((p) =>
    (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
  );
  return policies.flatMap((p) => (p.Properties!.PolicyDocument as { Statement: [] }).Statement);
}

export function actionsOf(statement: { Action: string | string[] }): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Unsuppressed cdk-nag findings (errors and warnings) on a stack. */
export function nagFindings(stack: Stack): { errors: string[]; warnings: string[] } {
  const format = (m: { id: string; entry: { data?: unknown } }) => `${m.id}: ${String(m.entry.data).split("\n")[0]}`;
  const annotations = Annotations.fromStack(stack);
  return {
    errors: annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).map(format),
    warnings: annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")).map(format),
  };
}
