/** How long a stopped server process waits for what it does not own (a client's retries) before it exits. */
const EXIT_GRACE_MS = 1000;

/**
 * Exits with `code` a second from now unless the process has ended by itself: everything of ours has stopped, and a
 * library's retries (Slack's Web API client, BullMQ's on a lost Redis) must not keep it alive.
 */
export function exitAfterGrace(code: number): void {
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}
