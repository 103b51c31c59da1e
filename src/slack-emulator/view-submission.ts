/** A modal's submission as Slack sends it to the app: who, the view's callback and metadata, the values typed. */
export interface ViewSubmission {
  user: string;
  callbackId: string;
  privateMetadata: string;
  /** block_id → action_id → the text typed in that plain_text_input. */
  values: Record<string, Record<string, string>>;
  viewId?: string;
}

/** The form body of a `view_submission` interaction payload (sign it with postSigned). */
export function viewSubmissionBody(submission: ViewSubmission): string {
  const values = Object.fromEntries(
    Object.entries(submission.values).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(
        Object.entries(actions).map(([actionId, value]) => [actionId, { type: "plain_text_input", value }]),
      ),
    ]),
  );
  const payload = {
    type: "view_submission",
    team: { id: "T0FAKE", domain: "fake" },
    user: { id: submission.user, username: submission.user.toLowerCase(), team_id: "T0FAKE" },
    api_app_id: "A0PHASEGATE",
    token: "deprecated-verification-token",
    trigger_id: `trigger-submit-${submission.user}`,
    view: {
      id: submission.viewId ?? "V1",
      team_id: "T0FAKE",
      type: "modal",
      callback_id: submission.callbackId,
      private_metadata: submission.privateMetadata,
      state: { values },
      hash: "fake-hash",
      blocks: [],
      title: { type: "plain_text", text: "phasegate" },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
