import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { TLSSocket } from "node:tls";
import type { Attributes, Faults } from "./faults.js";
import type { Route } from "./routes.js";
import { ApiError, badRequest } from "./status.js";
import type { Tokens } from "./tokens.js";

export interface LoggedRequest extends Attributes {
  path: string;
  query: string;
  contentType: string;
  status: number;
  /** The name the client sent in SNI (HTTPS only; none for an IP address). */
  servername?: string;
}

export interface ServerOptions {
  routes: Route[];
  faults: Faults;
  token: string;
  /** Issued short-lived tokens, accepted besides `token` until they expire. */
  tokens: Tokens;
  /** The identity named in 403 messages. */
  user: string;
  log: LoggedRequest[];
  /** Serve HTTPS with this certificate; a client certificate signed by `ca` authenticates like the token. */
  tls?: { cert: string; key: string; ca: string };
}

/** The HTTP side of the simulator: bearer-token authentication, RBAC, fault injection, routing, request log. */
export async function listen(options: ServerOptions): Promise<{ server: Server; url: string }> {
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    handle(options, request, response).catch((error) => {
      send(response, 500, {
        kind: "Status",
        status: "Failure",
        reason: "InternalError",
        code: 500,
        message: String(error),
      });
    });
  };
  const { tls } = options;
  const server = tls
    ? createTlsServer({ ...tls, requestCert: true, rejectUnauthorized: false }, onRequest)
    : createServer(onRequest);
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `${tls ? "https" : "http"}://127.0.0.1:${port}` };
}

async function handle(options: ServerOptions, request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? "/", "http://sim");
  const method = request.method ?? "GET";
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
  const body = await readBody(request);
  const found = findRoute(options.routes, method, url.pathname);
  const attributes: Attributes = found
    ? {
        method,
        verb: found.route.verb,
        apiGroup: found.route.apiGroup,
        resource: found.route.resource,
        ...found.params,
      }
    : {
        method,
        verb: method.toLowerCase(),
        apiGroup: "",
        resource: url.pathname,
        namespace: null,
        name: null,
      };
  const entry: LoggedRequest = {
    ...attributes,
    path: url.pathname,
    query: url.search,
    contentType,
    status: 0,
  };
  const { servername } = request.socket as TLSSocket;
  if (typeof servername === "string") entry.servername = servername;
  options.log.push(entry);
  const answer = (status: number, payload: unknown, type?: string) => {
    entry.status = status;
    send(response, status, payload, type);
  };

  const fault = options.faults.take(attributes);
  if (fault.delayMs) await sleep(fault.delayMs);
  const certified = (request.socket as TLSSocket).authorized === true;
  const bearer = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
  const issued = options.tokens.check(bearer);
  if (!certified && bearer !== options.token && issued !== "valid") {
    const why = issued === "expired" ? "Unauthorized: the token has expired" : "Unauthorized";
    return answer(401, new ApiError(401, "Unauthorized", why).toStatus());
  }
  if (fault.status) {
    return answer(
      fault.status,
      new ApiError(fault.status, "InternalError", "simulated server error").toStatus(),
    );
  }
  if (!found) {
    return answer(
      404,
      new ApiError(404, "NotFound", "the server could not find the requested resource").toStatus(),
    );
  }
  if (options.faults.isForbidden(attributes))
    return answer(403, forbidden(options.user, attributes).toStatus());
  try {
    const parsed = body ? parseJson(body) : undefined;
    const result = found.route.handle({
      namespace: attributes.namespace ?? "",
      name: attributes.name ?? "",
      query: url.searchParams,
      contentType,
      body: parsed,
    });
    if ("text" in result) return answer(200, result.text, "text/plain");
    return answer(result.status ?? 200, result.json);
  } catch (error) {
    if (error instanceof ApiError) return answer(error.code, error.toStatus());
    throw error;
  }
}

function findRoute(routes: Route[], method: string, pathname: string) {
  for (const route of routes) {
    const match = route.method === method ? route.pattern.exec(pathname) : null;
    if (match) {
      return {
        route,
        params: { namespace: match.groups?.namespace ?? null, name: match.groups?.name ?? null },
      };
    }
  }
  return undefined;
}

function forbidden(user: string, a: Attributes): ApiError {
  const kind = a.resource.split("/")[0] ?? a.resource;
  const object = `${kind}${a.apiGroup ? `.${a.apiGroup}` : ""}${a.name ? ` "${a.name}"` : ""}`;
  const group = a.apiGroup ? `in API group "${a.apiGroup}"` : `in API group ""`;
  return new ApiError(
    403,
    "Forbidden",
    `${object} is forbidden: User "${user}" cannot ${a.verb} resource "${a.resource}" ${group} in the namespace "${a.namespace}"`,
    { name: a.name ?? "", group: a.apiGroup, kind },
  );
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw badRequest(`the request body is not JSON: ${(error as Error).message}`);
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, status: number, payload: unknown, type = "application/json") {
  response.writeHead(status, { "Content-Type": type, "Audit-Id": randomUUID() });
  response.end(typeof payload === "string" ? payload : JSON.stringify(payload));
}
