/** What an operation means for a zero-downtime rollout. */
export type Verdict = "expand" | "contract" | "unsafe" | "neutral";

export const VERDICTS: readonly Verdict[] = ["expand", "contract", "unsafe", "neutral"];
