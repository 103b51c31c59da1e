/** The release phasegate last deployed of each service (a deploy step or a rollback that succeeded). */
export interface ReleaseHistory {
  lastDeployed(service: string): Promise<string | null>;
  recordDeployed(service: string, version: string, runId: string): Promise<void>;
}
