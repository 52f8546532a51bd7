import type { TSchema } from 'typebox';

/**
 * Clients (SDKs generated from OpenAPI, the Hermes and OpenClaw plugins) send `null` for an
 * optional field they have no value for; the original server read that as "absent". This
 * compiles, once per operation, a pass over a request body that deletes every `null` the
 * schema would refuse in an optional property, nested objects and array items included, so
 * validation then sees the field as left out. Fields whose schema takes null (a union with
 * Null, an Unknown) keep it, and a required field sent as null still fails validation: a 400.
 */
export type NullStripper = (value: unknown) => void;

type JsonSchema = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const parts = (schema: JsonSchema, key: 'anyOf' | 'oneOf' | 'allOf'): JsonSchema[] =>
  Array.isArray(schema[key]) ? (schema[key] as unknown[]).filter(isObject) : [];

/** Whether `schema` accepts null: a Null, a union with one, or a schema that types nothing. */
export function acceptsNull(schema: JsonSchema): boolean {
  if ('const' in schema) return schema.const === null;
  if (Array.isArray(schema.enum)) return schema.enum.includes(null);
  const type = schema.type;
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  if (schema.nullable === true) return true;
  const union = [...parts(schema, 'anyOf'), ...parts(schema, 'oneOf')];
  if (union.length > 0) return union.some(acceptsNull);
  const all = parts(schema, 'allOf');
  if (all.length > 0) return all.every(acceptsNull);
  // No type at all (TypeBox Unknown/Any, or a $ref this pass does not follow): null may be
  // meaningful there, so it is left for validation to judge.
  return type === undefined && !('not' in schema);
}

function objectStripper(schema: JsonSchema): NullStripper | undefined {
  if (!isObject(schema.properties)) return undefined;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const dropWhenNull: string[] = [];
  const nested: [string, NullStripper][] = [];
  for (const [key, property] of Object.entries(schema.properties)) {
    if (!isObject(property)) continue;
    if (!required.has(key) && !acceptsNull(property)) dropWhenNull.push(key);
    const inner = nullStripper(property);
    if (inner) nested.push([key, inner]);
  }
  if (dropWhenNull.length === 0 && nested.length === 0) return undefined;
  return (value) => {
    if (!isObject(value)) return;
    for (const key of dropWhenNull) if (value[key] === null) delete value[key];
    for (const [key, inner] of nested) if (value[key] != null) inner(value[key]);
  };
}

/** The pass for `schema`, or undefined when it has no optional field that refuses null. */
export function nullStripper(schema: TSchema | JsonSchema): NullStripper | undefined {
  const s = schema as JsonSchema;
  const steps: NullStripper[] = [];
  const own = objectStripper(s);
  if (own) steps.push(own);
  if (isObject(s.items)) {
    const item = nullStripper(s.items);
    if (item) steps.push((value) => Array.isArray(value) && value.forEach(item));
  }
  // An intersection's parts all apply to the value. Of a union only `X | null` is followed:
  // with several shapes there is no telling which one a value is meant to be.
  const union = [...parts(s, 'anyOf'), ...parts(s, 'oneOf')].filter((p) => p.type !== 'null');
  for (const part of [...parts(s, 'allOf'), ...(union.length === 1 ? union : [])]) {
    const inner = nullStripper(part);
    if (inner) steps.push(inner);
  }
  if (steps.length <= 1) return steps[0];
  return (value) => steps.forEach((step) => step(value));
}
