import { ErrorBody } from './errors.js';
import { OPERATIONS, type Operation } from './api/operations.js';
import type { TSchema } from 'typebox';

type Json = Record<string, unknown>;

function parameters(schema: TSchema | undefined, where: 'path' | 'query'): Json[] {
  const props = (schema as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {};
  const required = new Set((schema as { required?: string[] } | undefined)?.required ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
  }));
}

/** Builds the OpenAPI 3.1 document served at /api/openapi.json from the route table. */
export function buildOpenApi(version = '0.1.0'): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const [operationId, op] of Object.entries(OPERATIONS) as [string, Operation][]) {
    const path = op.path.replace(/:([a-z_]+)/g, '{$1}');
    const responses: Json = {};
    for (const [status, schema] of Object.entries(op.responses)) {
      responses[status] = { description: 'OK', content: { 'application/json': { schema } } };
    }
    for (const [status, description] of Object.entries(op.fileResponses ?? {})) {
      // The file's own type: whatever it was uploaded as.
      responses[status] = {
        description,
        content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
      };
    }
    responses.default = {
      description: 'Error',
      content: { 'application/json': { schema: ErrorBody } },
    };
    paths[path] ??= {};
    paths[path][op.method.toLowerCase()] = {
      operationId,
      summary: op.summary,
      ...(op.auth ? {} : { security: [] }),
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
      ...(op.body
        ? {
            requestBody: {
              required: !op.bodyOptional,
              content: { 'application/json': { schema: op.body } },
            },
          }
        : {}),
      ...(op.rawBody
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                Object.entries(op.rawBody).map(([type, schema]) => [type, { schema }]),
              ),
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'ClickClack API', version },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'cc_session' },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
}
