/** A message waiting to reach the chat: kept until it is posted, so a failure or a restart loses nothing. */
export interface OutboxItem {
  /** Time-ordered id (its first part is the time it was added, in ms). */
  id: string;
  runId: string;
  /** What to post, as the notifier wrote it. */
  payload: string;
}

/** Durable messages of the notifier (thread replies): added before posting, removed once posted. */
export interface NotificationOutbox {
  add(runId: string, payload: string): Promise<string>;
  done(id: string): Promise<void>;
  /** The oldest messages not posted yet. */
  pending(limit: number): Promise<OutboxItem[]>;
}
