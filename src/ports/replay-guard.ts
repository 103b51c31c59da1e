/**
 * The signed Slack requests already received, shared by every bot replica: a request replayed to any of them is
 * refused. Throws StoreUnavailableError when it cannot tell (Redis unreachable).
 */
export interface ReplayGuard {
  /** True the first time `signature` is offered, false for a replay; remembered for `ttlMs`. */
  firstUse(signature: string, ttlMs: number): Promise<boolean>;
}
