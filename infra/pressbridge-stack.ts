/**
 * The plain CDK stack holding the Pressbridge construct (used by infra/app.ts). The SST app mounts
 * the same construct in an SST stack instead (sst.config.ts).
 */
import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { Pressbridge, type PressbridgeProps } from "./pressbridge-construct.ts";

export type PressbridgeStackProps = StackProps & PressbridgeProps;

export class PressbridgeStack extends Stack {
  readonly service: Pressbridge;

  constructor(scope: Construct, id: string, props: PressbridgeStackProps) {
    super(scope, id, { ...props, description: props.description ?? `Pressbridge (${props.stage})` });
    this.service = new Pressbridge(this, "Pressbridge", props);
  }
}
