import { randomBytes } from "node:crypto";

/** Short-lived bearer tokens the simulator accepts until they expire, as a cloud's credential plugin hands out. */
export class Tokens {
  private readonly expiry = new Map<string, number>();

  /** A new token, accepted for `validForMs` (forever when omitted). */
  issue(validForMs = Number.POSITIVE_INFINITY): string {
    const token = `sim-${randomBytes(12).toString("hex")}`;
    this.expiry.set(token, Date.now() + validForMs);
    return token;
  }

  /** From now on the token is refused, as a revoked or expired one is. */
  expire(token: string): void {
    this.expiry.set(token, 0);
  }

  check(token: string): "valid" | "expired" | "unknown" {
    const expiresAt = this.expiry.get(token);
    if (expiresAt === undefined) return "unknown";
    return Date.now() < expiresAt ? "valid" : "expired";
  }
}
