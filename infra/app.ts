/**
 * The plain CDK app: `npx cdk deploy -c stage=<name>` (cdk.json runs this file) and `npm run synth`,
 * which writes the CloudFormation template to cdk.out/ offline: the stack is environment-agnostic
 * unless CDK_DEFAULT_ACCOUNT/REGION are set (the CDK CLI sets them from your credentials), so synth
 * needs no credentials and no network.
 *
 * Settings come from context or the environment (infra/service-settings.ts): stage (context `stage`
 * or PRESSBRIDGE_STAGE, default "dev"), the config file, the SES sender, the alarm topic. cdk-nag's
 * AwsSolutions pack runs on every synth; an unsuppressed finding fails it.
 */
import { App, Aspects } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { join } from "node:path";
import { projectRoot } from "./function-bundles.ts";
import { PressbridgeStack } from "./pressbridge-stack.ts";
import { serviceProps } from "./service-settings.ts";

const root = projectRoot();
const app = new App({ outdir: process.env.CDK_OUTDIR ?? join(root, "cdk.out") });
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === null ? undefined : String(value);
};
const stage = context("stage") ?? process.env.PRESSBRIDGE_STAGE ?? "dev";
const props = serviceProps(stage, (key, env) => context(key) ?? process.env[env], root);

new PressbridgeStack(app, `pressbridge-${stage}`, {
  ...props,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Aspects.of(app).add(new AwsSolutionsChecks());

const assembly = app.synth();
const messages = (level: string): string[] =>
  assembly.stacks.flatMap((stack) => stack.messages.filter((m) => m.level === level).map((m) => `${m.id}: ${String(m.entry.data)}`));
for (const warning of messages("warning")) process.stderr.write(`synth: warning ${warning}\n`);
for (const stack of assembly.stacks) process.stderr.write(`synth: ${stack.stackName} -> ${join(assembly.directory, stack.templateFile)}\n`);
const errors = messages("error");
if (errors.length > 0) {
  for (const error of errors) process.stderr.write(`synth: error ${error}\n`);
  process.exitCode = 1;
}
