import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HubRouteSpec, HubRoutes } from '../shared/api/contract.js';
import type { DomainSpecBase } from '../shared/domain/spec.js';
import { buildOpenApiDocument } from '../shared/api/openapi.js';
import { GuichetError } from '../shared/errors.js';

/**
 * The hub's side of the contract (shared/api/contract.ts): routes parse their
 * input with the contract's schemas, and the contract is served as OpenAPI.
 */

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ParsedRequest<R extends HubRouteSpec> {
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: Out<R['body']>;
}

/** How a route answers input that does not parse (default: `invalid_input` with the schema's French message). */
export interface Refusal {
  code: 'invalid_input' | 'bad_request';
  /** Fixed French sentence; absent = the first issue's message (the schema's own, or zod's French locale). */
  message?: string;
  /** Prefix of the log detail (e.g. `push`). */
  what?: string;
}

// Schema messages written for users win; zod's built-in ones are given in French rather than English.
const french = z.locales.fr().localeError;

function parsePart<S extends z.ZodType | undefined>(schema: S, value: unknown, refusal: Refusal): Out<S> {
  if (!schema) return undefined as Out<S>;
  const parsed = schema.safeParse(value, { error: french });
  if (parsed.success) return parsed.data as Out<S>;
  const issue = parsed.error.issues[0];
  const where = `${issue?.path.join('.') || '(racine)'}: ${issue?.code ?? ''}`;
  throw new GuichetError(
    refusal.code,
    refusal.message ?? issue?.message ?? 'Données invalides.',
    refusal.what ? `${refusal.what} ${where}` : where,
  );
}

/** Parses a request's path parameters, query and JSON body with its route's schemas; throws the hub's French 400 otherwise. */
export function parseRequest<R extends HubRouteSpec>(
  route: R,
  request: FastifyRequest,
  refusal: Refusal = { code: 'invalid_input' },
): ParsedRequest<R> {
  return {
    params: parsePart(route.params as R['params'], request.params, refusal),
    query: parsePart(route.query as R['query'], request.query, refusal),
    body: parsePart(route.body as R['body'], request.body, refusal),
  };
}

/** Serves the contract as an OpenAPI 3.1 document (public: it describes, it gives nothing away). Built once, on first request. */
export function registerOpenApiRoute(
  app: FastifyInstance,
  route: HubRouteSpec,
  options: { contract: HubRoutes; version: string; domains: readonly DomainSpecBase[] },
): void {
  let document: string | null = null;
  app.get(route.path, { config: { public: true } }, async (_request, reply) => {
    document ??= JSON.stringify(buildOpenApiDocument(options.contract, { version: options.version, domains: options.domains }));
    return reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-cache').send(document);
  });
}
