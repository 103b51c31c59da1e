/** Which requests a fault or a rule applies to; every field left out matches anything. */
export interface RequestMatch {
  method?: string;
  verb?: string;
  /** "deployments", "pods/log", … */
  resource?: string;
  namespace?: string;
}

export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface Attributes {
  method: string;
  verb: string;
  apiGroup: string;
  resource: string;
  namespace: string | null;
  name: string | null;
}

interface Fault {
  remaining: number;
  match: RequestMatch;
  status?: number;
  delayMs?: number;
}

const matches = (match: RequestMatch, a: Attributes) =>
  (!match.method || match.method === a.method) &&
  (!match.verb || match.verb === a.verb) &&
  (!match.resource || match.resource === a.resource) &&
  (!match.namespace || match.namespace === a.namespace);

export const ruleAllows = (rule: RbacRule, a: Attributes) =>
  (rule.apiGroups.includes("*") || rule.apiGroups.includes(a.apiGroup)) &&
  (rule.resources.includes("*") || rule.resources.includes(a.resource)) &&
  (rule.verbs.includes("*") || rule.verbs.includes(a.verb));

/** Injected failures: error answers, slow answers, RBAC denials. */
export class Faults {
  private readonly queued: Fault[] = [];
  private readonly denied: RequestMatch[] = [];
  private rules: RbacRule[] | null = null;

  /** The next `count` matching requests answer `status` (500 by default) with an InternalError Status. */
  failNext(count: number, match: RequestMatch = {}, status = 500): void {
    this.queued.push({ remaining: count, match, status });
  }

  /** The next `count` matching requests are answered after `delayMs`. */
  delayNext(count: number, delayMs: number, match: RequestMatch = {}): void {
    this.queued.push({ remaining: count, match, delayMs });
  }

  /** Matching requests answer 403 Forbidden from now on. */
  forbid(match: RequestMatch): void {
    this.denied.push(match);
  }

  /** Enforce a Role: only requests one of its rules allows pass (null: allow everything again). */
  enforceRole(rules: RbacRule[] | null): void {
    this.rules = rules;
  }

  isForbidden(a: Attributes): boolean {
    if (this.denied.some((m) => matches(m, a))) return true;
    return this.rules !== null && !this.rules.some((rule) => ruleAllows(rule, a));
  }

  /** Takes the faults that apply to this request (each one used once). */
  take(a: Attributes): { status?: number; delayMs?: number } {
    const result: { status?: number; delayMs?: number } = {};
    for (const fault of this.queued) {
      if (fault.remaining <= 0 || !matches(fault.match, a)) continue;
      if (fault.status && result.status) continue;
      if (fault.delayMs && result.delayMs) continue;
      fault.remaining -= 1;
      if (fault.status) result.status = fault.status;
      if (fault.delayMs) result.delayMs = fault.delayMs;
    }
    return result;
  }
}
