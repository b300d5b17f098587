import { publishActionsFor, type AmplificationPlan, type ScheduleRequest } from "@pressbridge/core";

/** An approval's schedule with every action at once: for tests about publishing, not about its timing. */
export function everyActionNow(plan: AmplificationPlan): Record<string, ScheduleRequest> {
  return Object.fromEntries(publishActionsFor(plan).map((a) => [a.key, { choice: "now" as const }]));
}

/** The decision form's fields for the same (the review page's `when_<key>` selects). */
export function everyActionNowFields(plan: AmplificationPlan): Record<string, string> {
  return Object.fromEntries(publishActionsFor(plan).map((a) => [`when_${a.key}`, "now"]));
}
