import { z } from 'zod';
import type { CollectionSpec, CommandSpec, DomainSpecBase } from '../domain/spec.js';
import { openApiPath, type HubRouteSpec, type HubRoutes } from './contract.js';
import { errorBodySchema } from './hub.js';

/**
 * The OpenAPI 3.1 document of the hub, generated from the contract (the same
 * zod schemas the hub validates with), for the département's IT. JSON
 * Schema 2020-12 is OpenAPI 3.1's own dialect, so z.toJSONSchema's output
 * goes in as is. Pure: the hub builds it once and serves it.
 */

type JsonSchema = Record<string, unknown>;
type JsonObject = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };

/** Refusals every route may answer (on top of its own `errors`). */
const COMMON_ERRORS: Record<number, string> = {
  400: 'Demande mal formée ou données invalides (message en français dans le corps).',
  426: 'Version de Guichet trop ancienne pour ce hub (en-tête x-guichet-protocol).',
  429: 'Trop de demandes : patienter avant de réessayer.',
  500: 'Erreur inattendue du hub.',
};
const AUTH_ERRORS: Record<number, string> = {
  401: 'Jeton absent, inconnu ou révoqué.',
  403: 'Rôle sans la permission requise, ou service non activé pour la collectivité.',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // `unrepresentable: 'any'`: a transform or a custom check documents as "any value" rather than failing the whole document.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s as { description?: string };
    return {
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function headerParameters(headers: Record<string, string> | undefined): JsonObject[] {
  return Object.entries(headers ?? {}).map(([name, description]) => ({
    name,
    in: 'header',
    required: true,
    description,
    schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
  }));
}

function operation(name: string, route: HubRouteSpec): JsonObject {
  const responses: JsonObject = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const content = r.schema
      ? { 'application/json': { schema: jsonSchema(r.schema, 'output') } }
      : r.contentType
        ? { [r.contentType]: { schema: { type: 'string', contentMediaType: r.contentType } } }
        : undefined;
    const headers = r.headers
      ? Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]))
      : undefined;
    responses[status] = { description: r.description, ...(headers ? { headers } : {}), ...(content ? { content } : {}) };
  }
  const errors = { ...COMMON_ERRORS, ...(route.public ? {} : AUTH_ERRORS), ...route.errors };
  for (const [status, description] of Object.entries(errors)) {
    // A HEAD answer has no body: the status alone tells.
    responses[status] = route.method === 'HEAD' ? { description } : { description, content: { 'application/json': { schema: ERROR_REF } } };
  }
  const permission = route.permission
    ? `Permission requise : \`${route.permission}\`.`
    : route.console
      ? `Console du département, rôles : ${route.console.roles.join(', ')}.`
      : '';
  const description = [route.description, permission].filter(Boolean).join('\n\n');
  const op: JsonObject = {
    operationId: name,
    summary: route.summary,
    ...(description ? { description } : {}),
    tags: [route.tag],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query'), ...headerParameters(route.requestHeaders)],
    responses,
  };
  if (route.public) op.security = [];
  else if (route.console) op.security = [{ console: [] }];
  if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
  else if (route.bodyContentType)
    op.requestBody = {
      required: true,
      content: { [route.bodyContentType]: { schema: { type: 'string', contentMediaType: route.bodyContentType } } },
    };
  if ((op.parameters as unknown[]).length === 0) delete op.parameters;
  return op;
}

export interface OpenApiOptions {
  /** The hub's version (package.json). */
  version: string;
  /** The domains whose synced records and commands the document describes (what travels inside push and pull). */
  domains?: readonly DomainSpecBase[];
}

/**
 * Push and pull carry records and commands whose shape depends on their
 * collection or command name: each one's schema is a component
 * (`record.<collection>`, `command.<name>`), with who writes and reads it.
 */
function domainSchemas(domains: readonly DomainSpecBase[]): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const d of domains) {
    for (const [name, c] of Object.entries(d.collections) as [string, CollectionSpec<unknown>][]) {
      const writer = c.writer === 'client' ? `écrite par les postes (permission \`${c.write}\`)` : 'écrite par le hub seul';
      out[`record.${name}`] = {
        ...jsonSchema(c.schema, 'output'),
        description: `Enregistrement de la collection \`${name}\` (champ \`data\`), ${writer} ; lue avec la permission \`${c.read}\`.`,
      };
    }
    for (const [name, c] of Object.entries(d.commands) as [string, CommandSpec<unknown>][]) {
      out[`command.${name}`] = {
        ...jsonSchema(c.payload, 'input'),
        description: `Contenu (\`payload\`) de la commande \`${name}\` ; permission \`${c.permission}\`.`,
      };
    }
  }
  return out;
}

/** Builds the document; every route of `routes` becomes one operation under its path (fastify `:param` → `{param}`). */
export function buildOpenApiDocument(routes: HubRoutes, options: OpenApiOptions): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const [name, route] of Object.entries(routes)) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    const item = paths[path];
    const method = route.method.toLowerCase();
    if (item[method]) throw new Error(`OpenAPI: ${route.method} ${route.path} declared twice`);
    item[method] = operation(name, route);
  }
  const tags = [...new Set(Object.values(routes).map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Guichet — API du hub',
      version: options.version,
      description: [
        'Le contrat HTTP entre les postes des mairies (Guichet) et le hub du département, généré à partir des schémas que le hub applique à chaque demande.',
        'Toutes les routes sauf les publiques demandent `Authorization: Bearer <jeton>` ; la collectivité est toujours celle du jeton, jamais celle de la demande.',
        'JSON en entrée et en sortie, gzip accepté dans les deux sens. Tout refus répond un `ErrorBody` : un code stable et un message en français.',
        'Chaque route GET répond aussi à HEAD (mêmes en-têtes, sans corps).',
        'Le champ `data` des enregistrements synchronisés et le `payload` des commandes suivent le schéma de leur collection ou de leur commande : composants `record.<collection>` et `command.<nom>`.',
      ].join('\n\n'),
    },
    tags,
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Jeton de session remis par /api/v1/enroll ou /api/v1/login.' },
        console: {
          type: 'apiKey',
          in: 'cookie',
          name: 'guichet_console',
          description:
            'Session de la console du département (comptes du département, second facteur TOTP), ouverte par /console/api/session ; les méthodes autres que GET exigent aussi l’en-tête `x-guichet-console: 1`.',
        },
      },
      schemas: { ErrorBody: jsonSchema(errorBodySchema, 'output'), ...domainSchemas(options.domains ?? []) },
    },
  };
}
