/**
 * How people read a step: "step 2" is the card's "2.", counted from 1. Every message a person reads (outcomes,
 * refusals, audit details, thread replies) names steps through this; job ids and logs keep the index.
 */
export function stepNumber(index: number): string {
  return `step ${index + 1}`;
}
