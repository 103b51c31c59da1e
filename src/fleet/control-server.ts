import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { Fleet } from "./fleet.js";

const deployRequestSchema = z.strictObject({
  version: z.string().regex(/^v[123]$/, "version is v1, v2 or v3"),
});

export interface ControlServer {
  /** Base URL the deploy hook (examples/shop/traffic/request_deploy.py) posts to. */
  url: string;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString() || "null");
}

function answer(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ message }));
}

/**
 * The harness's deploy endpoint: `POST /deploy {"version":"v2"}` starts a rolling deploy and answers 202 at once;
 * 503 with the reason when `requestRollout` throws.
 */
export async function startControlServer(fleet: Pick<Fleet, "requestRollout">): Promise<ControlServer> {
  const server = createServer(async (request, response) => {
    if (request.method !== "POST" || request.url !== "/deploy")
      return answer(response, 404, "POST /deploy only");
    let parsed: ReturnType<typeof deployRequestSchema.safeParse>;
    try {
      parsed = deployRequestSchema.safeParse(await bodyOf(request));
    } catch {
      return answer(response, 400, 'the body is not JSON; send {"version":"v2"}');
    }
    if (!parsed.success) return answer(response, 400, parsed.error.issues.map((i) => i.message).join("; "));
    try {
      answer(response, 202, fleet.requestRollout(parsed.data.version));
    } catch (error) {
      // A deploy the platform refuses (the sandbox's "Break the next deploy"): the hook fails with the reason.
      answer(response, 503, (error as Error).message);
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
