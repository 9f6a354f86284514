/**
 * Route schemas compiled on a route's first use instead of all at start-up. Compiling every
 * route's request validators (Ajv) and response serializers (fast-json-stringify) took ~300 ms
 * of CPU while the hub's services boot on the same cores, and ~11 MB of an idle hub's memory;
 * most routes are not called for a long time, some never. The compilers are Fastify's own
 * defaults, only deferred. A first call of a route pays a few milliseconds once; a schema that
 * does not compile fails its route's calls with a 500, and tests compile them all up front
 * (compilePending, through the hub's compileRouteSchemas).
 *
 * Fastify treats validators from a custom factory as "custom": it then passes a headers schema
 * as written instead of lower-casing its keys first. No route declares a headers schema.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Deferred = () => unknown;

/** Compiler factories for Fastify's `schemaController`, and a way to compile what is still deferred. */
export interface LazySchemas {
  compilersFactory: NonNullable<FastifyServerOptions['schemaController']>['compilersFactory'];
  /** Compiles every schema not compiled yet; throws the first compile error. */
  compilePending(): void;
}

export function lazySchemas(): LazySchemas {
  const pending = new Set<Deferred>();
  const defer = <F extends (...args: never[]) => unknown>(compile: () => F): { get: () => F } => {
    let fn: F | undefined;
    const get = (): F => {
      if (!fn) {
        fn = compile();
        pending.delete(get);
      }
      return fn;
    };
    pending.add(get);
    return { get };
  };
  const buildValidator = AjvCompiler();
  const buildSerializer = SerializerSelector();
  return {
    compilersFactory: {
      buildValidator: (externalSchemas, options) => {
        const compile = buildValidator(externalSchemas, options);
        return (route) => {
          const { get } = defer(() => compile(route));
          const validate = (data: unknown, context?: unknown) => (get() as (d: unknown, c?: unknown) => unknown)(data, context);
          // Fastify reads these off the validator: the errors after a failed call, and schemaEnv
          // to decide whether to pass the parent (Ajv needs it to coerce a root value).
          Object.defineProperty(validate, 'errors', { get: () => (get() as { errors?: unknown }).errors });
          Object.defineProperty(validate, 'schemaEnv', { get: () => (get() as { schemaEnv?: unknown }).schemaEnv });
          return validate as ReturnType<ReturnType<typeof buildValidator>>;
        };
      },
      buildSerializer: (externalSchemas, options) => {
        const compile = buildSerializer(externalSchemas, options);
        return (route) => {
          const { get } = defer(() => compile(route));
          return (doc: unknown) => get()(doc);
        };
      },
    },
    compilePending: () => {
      for (const get of [...pending]) get();
    },
  };
}
