/** Decides whether a user may approve (or reject) a service's gates. Four-eyes is checked by the run itself. */
export interface Approvers {
  mayApprove(request: { service: string; user: string }): Promise<boolean>;
}
