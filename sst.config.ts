/**
 * SST v2 app. It mounts the one CDK construct in infra/ (infra/pressbridge-construct.ts), so
 * `npx sst deploy --stage <name>` and plain `npx cdk deploy -c stage=<name>` (infra/app.ts) deploy the
 * same definition. Settings (config file, SES sender, alarm topic, platform secret) are read the same
 * way by both: CDK context or environment variables, see infra/service-settings.ts and docs/deploy.md.
 */
import type { SSTConfig } from "sst";
import type { StackContext } from "sst/constructs";
import { NagSuppressions } from "cdk-nag";
import { projectRoot } from "./infra/function-bundles.ts";
import { Pressbridge } from "./infra/pressbridge-construct.ts";
import { serviceProps } from "./infra/service-settings.ts";

/** The service stack: the Pressbridge construct for the app's stage. */
export function PressbridgeService({ app, stack }: StackContext): void {
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null ? undefined : String(value);
  };
  const props = serviceProps(app.stage, (key, env) => context(key) ?? process.env[env], projectRoot());
  new Pressbridge(stack, "Pressbridge", props);

  // Every SST v2 stack carries SST's own custom-resource handler; it is not part of Pressbridge.
  const sstHandler = stack.node.tryFindChild("CustomResourceHandler");
  if (sstHandler !== undefined) {
    NagSuppressions.addResourceSuppressions(
      sstHandler,
      [
        { id: "AwsSolutions-IAM4", reason: "SST's built-in custom-resource handler (created by every SST v2 stack) uses the AWS managed basic execution role; SST owns it." },
        { id: "AwsSolutions-L1", reason: "SST's built-in custom-resource handler pins its own runtime (nodejs22.x in sst 2.49.8); SST owns it, it only runs during deploys." },
      ],
      true,
    );
  }
}

export default {
  config(input) {
    return { name: "pressbridge", region: input.region ?? process.env.AWS_REGION ?? "us-east-1" };
  },
  stacks(app) {
    app.stack(PressbridgeService, { id: "service" });
  },
} satisfies SSTConfig;
