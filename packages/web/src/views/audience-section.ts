import { html } from "hono/html";
import { audienceLines, audiencePreflight, type AmplificationPlan } from "@pressbridge/core";

/**
 * Who each ad brief reaches, and the matched-audience pre-flight warning when the media list is below
 * the platform's minimum (issue #16): shown before approval so nobody approves a campaign expecting an
 * audience the platform will not serve. Empty when the plan has no ad briefs.
 */
export function audienceSection(plan: AmplificationPlan) {
  if (plan.briefs.length === 0) return "";
  return html`<section class="card" id="audiences" aria-labelledby="audiences-heading">
<h2 id="audiences-heading">Ad audiences</h2>
<ul>
${plan.briefs.map((brief) => {
  const [who, warning] = audienceLines(brief);
  const check = audiencePreflight(brief);
  return html`<li id="audience-${brief.platform}" data-attachable="${String(check.attachable)}">${who}${warning === undefined ? "" : html`<br><strong>Warning:</strong> ${warning}`}</li>`;
})}
</ul>
</section>`;
}
