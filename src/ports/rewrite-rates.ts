import type { RewriteRate } from "../domain/locks/live-facts.js";

/** The rewrite speed last measured on each service's database (a migrate step that rewrote a large table). */
export interface RewriteRates {
  measured(service: string): Promise<RewriteRate | null>;
  record(service: string, rate: RewriteRate): Promise<void>;
}
