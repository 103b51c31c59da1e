/** Decides whether a user may approve (or reject) a service's gates. Four-eyes is checked by the run itself. */
export interface Approvers {
  mayApprove(request: { service: string; user: string }): Promise<boolean>;
  /** Whether the user is one of the service's admins (access.admins): they may freeze and unfreeze it. */
  mayAdminister(request: { service: string; user: string }): Promise<boolean>;
  /** The groups among `groups` the user is a member of now (membership is decided at click time). */
  memberships(request: { user: string; groups: string[] }): Promise<string[]>;
}
