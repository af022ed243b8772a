import type { z } from 'zod';

/**
 * How a hub HTTP route is described, once: method, path, who may call it and
 * the zod schemas of what goes in and out. The hub validates its input with
 * these schemas (hub-server/contract.ts), the PC's hub client takes its types
 * from them (electron/hub-client), and the OpenAPI document served at
 * `/api/v1/openapi.json` is generated from them (shared/api/openapi.ts).
 * Core routes live in shared/api/hub.ts; a domain declares its own in its
 * shared folder (`routes` of its declaration), merged by shared/domains.ts.
 */

export type HubMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A success answer of a route. */
export interface RouteResponse {
  /** French, for the département's IT reading the document. */
  description: string;
  /** JSON body; absent = no body (204, HEAD) or a binary one (see contentType). */
  schema?: z.ZodType;
  /** Media type of a non-JSON body (archive, file bytes, update feed). */
  contentType?: string;
  /** Response headers that carry meaning (name → French description). */
  headers?: Record<string, string>;
}

export interface HubRouteSpec {
  method: HubMethod;
  /** Fastify syntax (`/api/v1/users/:id/disable`). */
  path: string;
  /** French, one line. */
  summary: string;
  /** French, optional precisions (rules, limits). */
  description?: string;
  /** Group in the document (French). */
  tag: string;
  /** Callable without a bearer token (enroll, login, health, the update feed, this document). */
  public?: boolean;
  /**
   * A route of the département's console: authenticated by the staff session cookie, never by a
   * collectivité's bearer; `roles` lists the staff roles allowed (documentation; the route enforces it).
   */
  console?: { roles: readonly string[] };
  /** Permission the caller's role must hold (documentation; the route enforces it). */
  permission?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** JSON body; for a binary body use `bodyContentType`. */
  body?: z.ZodType;
  /** Media type of a raw (non-JSON) request body. */
  bodyContentType?: string;
  /** Request headers that carry meaning (name → French description); all required. */
  requestHeaders?: Record<string, string>;
  /** Success answers by HTTP status. */
  responses: Record<number, RouteResponse>;
  /** Refusals worth naming for this route (status → French description), on top of the usual 400/401/403/429/500. */
  errors?: Record<number, string>;
}

/** A map of routes by name (`enroll`, `syncPush`, `actArchive`…). */
export type HubRoutes = Record<string, HubRouteSpec>;

/** Keeps the literal type of a route map while checking it against HubRouteSpec. */
export function defineRoutes<const R extends HubRoutes>(routes: R): R {
  return routes;
}

type ZodOf<T> = T extends z.ZodType ? T : never;

/** What the client sends as the JSON body of a route (before the hub's defaults and trimming). */
export type RequestBody<R extends HubRouteSpec> = R['body'] extends z.ZodType ? z.input<ZodOf<R['body']>> : undefined;
/** What the client sends as query of a route. */
export type RequestQuery<R extends HubRouteSpec> = R['query'] extends z.ZodType ? z.input<ZodOf<R['query']>> : undefined;
/** Path parameters of a route. */
export type RequestParams<R extends HubRouteSpec> = R['params'] extends z.ZodType ? z.input<ZodOf<R['params']>> : undefined;

type SuccessOf<R extends HubRouteSpec> = R['responses'][keyof R['responses'] & (200 | 201)];
/** The JSON answer of a route on success (`undefined` when it answers no JSON body). */
export type ResponseBody<R extends HubRouteSpec> = SuccessOf<R> extends { schema: infer S } ? z.output<ZodOf<S>> : undefined;

/** Fastify `:param` → OpenAPI `{param}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/**
 * Merges the core routes and each domain's into one contract; throws at
 * start-up on a name or a method + path declared twice.
 */
export function mergeRoutes(core: HubRoutes, domains: readonly { id: string; routes?: HubRoutes }[]): HubRoutes {
  const merged: HubRoutes = { ...core };
  const seen = new Set(Object.values(core).map((r) => `${r.method} ${r.path}`));
  for (const d of domains) {
    for (const [name, spec] of Object.entries(d.routes ?? {})) {
      const key = `${spec.method} ${spec.path}`;
      if (name in merged) throw new Error(`hub route ${name} of domain ${d.id} declared twice`);
      if (seen.has(key)) throw new Error(`hub route ${key} of domain ${d.id} declared twice`);
      seen.add(key);
      merged[name] = spec;
    }
  }
  return merged;
}
