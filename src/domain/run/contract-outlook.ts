import type { Plan } from "../plan/plan.js";
import { type ChangeWindow, windowState } from "./change-windows.js";
import { describeFreeze, type Freeze, freezesOf } from "./contract-hold.js";

function describeWindow(window: ChangeWindow): string {
  return `${window.days.join(", ")} ${window.start}–${window.end} ${window.timeZone}`;
}

/**
 * What a plan preview says about when its run could start and its contract phase could run: the service's freeze,
 * and its change windows (open now, or when the next opens). Empty when neither holds anything back.
 */
export function contractOutlook(
  service: string,
  plan: Plan,
  context: { windows: readonly ChangeWindow[]; freezes: readonly Freeze[]; now: Date },
): string[] {
  const [freeze] = freezesOf(service, context.freezes);
  const frozen = freeze
    ? [
        `${describeFreeze(freeze)}: a start is refused until an admin runs \`/migrate unfreeze ${freeze.scope}\`.`,
      ]
    : [];
  if (!plan.destructive || context.windows.length === 0) return frozen;
  const state = windowState(context.windows, context.now);
  const windows = context.windows.map(describeWindow).join("; ");
  const when = state.open ? "one is open now" : `the next opens ${state.opens}`;
  return [...frozen, `The contract phase starts only within the change windows (${windows}): ${when}.`];
}
