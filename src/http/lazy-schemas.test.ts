import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { lazySchemas, type LazySchemas } from './lazy-schemas.js';

let apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps) await app.close();
  apps = [];
});

/** An app with the hub's Ajv options, one route with every kind of schema, and optionally one whose schema is broken. */
async function appWith(schemas: LazySchemas, broken = false): Promise<FastifyInstance> {
  const app = Fastify({
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    schemaController: { compilersFactory: schemas.compilersFactory },
  });
  apps.push(app);
  app.post(
    '/things/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
        querystring: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } },
        body: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } }, name: { type: 'string' } } } },
      },
    },
    async (req) => ({ ...(req.params as object), ...(req.query as object), ...(req.body as object), secret: 'not in the schema' }),
  );
  if (broken) app.get('/broken', { schema: { querystring: { type: 'nonsense' } } }, async () => ({}));
  await app.ready();
  return app;
}

describe('route schemas compiled on first use', () => {
  it('validate, coerce and serialize as the eager compilers do', async () => {
    const app = await appWith(lazySchemas());
    const ok = await app.inject({ method: 'POST', url: '/things/7?tags=a', payload: { name: 'x' } });
    expect(ok.statusCode).toBe(200);
    // id coerced to a number, a single tag to an array, the undeclared field left out.
    expect(ok.json()).toEqual({ id: 7, tags: ['a'], name: 'x' });
    const bad = await app.inject({ method: 'POST', url: '/things/seven', payload: { extra: 1 } });
    expect(bad.statusCode).toBe(400);
    // The first failing part is reported, with Ajv's words for it.
    expect(bad.json().message).toBe('params/id must be integer');
    const badBody = await app.inject({ method: 'POST', url: '/things/7', payload: { extra: 1 } });
    expect(badBody.json().message).toBe("body must have required property 'name', body must NOT have additional properties");
  });

  it('defers a broken schema past start-up: its route fails with a 500 and compilePending finds it', async () => {
    const schemas = lazySchemas();
    const app = await appWith(schemas, true);
    expect((await app.inject({ method: 'GET', url: '/broken' })).statusCode).toBe(500);
    expect(() => schemas.compilePending()).toThrow(/schema is invalid: data\/type|JSONType.*nonsense/);
  });
});
