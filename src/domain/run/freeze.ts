/** What `/migrate freeze` names to freeze every service. */
export const ALL_SERVICES = "all";

/** A service (or every service, `all`) frozen by an admin: it starts no run and no contract step until unfrozen. */
export interface Freeze {
  /** A service name, or "all". */
  scope: string;
  by: string;
  reason: string;
  /** ISO time. */
  at: string;
}
