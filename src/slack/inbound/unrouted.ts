import { ErrorCode, type ReceiverDispatchErrorHandlerArgs } from "@slack/bolt";

function answer(
  args: ReceiverDispatchErrorHandlerArgs,
  status: number,
  error: string,
  message: string,
): void {
  args.response
    .writeHead(status, { "content-type": "application/json" })
    .end(`${JSON.stringify({ error, message })}\n`);
}

/**
 * What the bot's HTTP server answers when Bolt routes a request to none of its routes, instead of Bolt's 404 and 500
 * with no body: which route was asked for, or that the path's percent-encoding is broken (Bolt's matching of
 * `/api/v1/runs/:id` throws a URIError on `%E0`, which it answered as a 500 and logged as an error).
 */
export function unroutedRequest(args: ReceiverDispatchErrorHandlerArgs): void {
  const { error, request } = args;
  const path = (request.url ?? "").split("?")[0]?.slice(0, 200);
  if ("code" in error && error.code === ErrorCode.HTTPReceiverDeferredRequestError)
    answer(args, 404, "not-found", `no route ${request.method} ${path}`);
  else if (error instanceof URIError)
    answer(args, 400, "bad-path", `the path ${path} is not valid percent-encoding`);
  else {
    args.logger.error(`${request.method} ${path} failed: ${error.message}`);
    answer(args, 500, "internal", "phasegate could not answer: see its log");
  }
}
