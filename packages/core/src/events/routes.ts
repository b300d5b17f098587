import type { DetailType } from "./catalog.ts";

/**
 * The one routes table: which consumers receive which detail-types. The local in-process bus reads it
 * to dispatch, and the CDK infra reads it to create one EventBridge rule per consumer, so local and
 * cloud routing cannot drift. Consumer ids are the function names under functions/.
 */
export interface Route {
  consumer: string;
  detailTypes: readonly DetailType[];
  description: string;
}

export const ROUTES: readonly Route[] = [
  {
    consumer: "plan-amplification",
    detailTypes: ["Release Detected"],
    description: "Match the release to its clients and draft posts and ad briefs for each",
  },
  {
    consumer: "notify-approvers",
    detailTypes: ["Amplification Planned"],
    description: "Email each approver of the client a signed review link",
  },
  {
    consumer: "publish",
    detailTypes: ["Amplification Approved", "Publication Retry Requested"],
    description: "Publish the approved posts and create the ads paused (a dry run without credentials); retry failures on request",
  },
];

export function consumersFor(detailType: string, routes: readonly Route[] = ROUTES): string[] {
  return routes.filter((r) => (r.detailTypes as readonly string[]).includes(detailType)).map((r) => r.consumer);
}
