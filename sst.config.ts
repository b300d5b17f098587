/**
 * SST v2 app. It mounts the one CDK construct in infra/ so `npx sst deploy --stage <name>` and plain
 * `npx cdk deploy` deploy the same definition. The construct (table, bus, functions, schedules) is
 * built out in infra/; until then this app defines no resources.
 */
export default {
  config() {
    return { name: "pressbridge", region: process.env.AWS_REGION ?? "us-east-1" };
  },
  stacks() {
    // Mounted from infra/ (see docs/deploy.md once the infrastructure lands).
  },
};
