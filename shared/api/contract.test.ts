import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineRoutes, mergeRoutes, openApiPath } from './contract.js';

const core = defineRoutes({
  me: {
    method: 'GET',
    path: '/api/v1/me',
    tag: 'Comptes',
    summary: 'Moi',
    responses: { 200: { description: 'ok', schema: z.object({}) } },
  },
});

describe('hub contract composition', () => {
  it("merges a domain's routes and refuses a name or a method + path declared twice", () => {
    const toy = { id: 'toy', routes: { toyList: { ...core.me, path: '/api/v1/toy' } } };
    expect(Object.keys(mergeRoutes(core, [toy]))).toEqual(['me', 'toyList']);
    expect(() => mergeRoutes(core, [{ id: 'toy', routes: { me: { ...core.me, path: '/api/v1/toy' } } }])).toThrow(/me of domain toy/);
    expect(() => mergeRoutes(core, [{ id: 'toy', routes: { other: core.me } }])).toThrow(/GET \/api\/v1\/me of domain toy/);
  });

  it('writes fastify path parameters the OpenAPI way', () => {
    expect(openApiPath('/api/v1/users/:id/disable')).toBe('/api/v1/users/{id}/disable');
    expect(openApiPath('/api/v1/files/:sha256')).toBe('/api/v1/files/{sha256}');
  });
});
