/**
 * A small validator for the parts of JSON Schema / OpenAPI 3.0 that the API specs we hold our
 * responses to use: type, nullable, enum, required, properties, items, allOf, anyOf. What a strict
 * generated client checks: a required field missing, a null where none is allowed, a wrong type.
 * Schemas must be dereferenced first (no $ref).
 */
export type Schema = {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  $ref?: string;
};

export function schemaErrors(schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return [`${at}: unresolved $ref ${schema.$ref}`];
  if (value === null)
    return schema.nullable || schema.type === 'null' ? [] : [`${at}: null is not allowed`];
  const errors: string[] = [];
  for (const part of schema.allOf ?? []) errors.push(...schemaErrors(part, value, at));
  if (schema.anyOf && !schema.anyOf.some((option) => schemaErrors(option, value, at).length === 0))
    errors.push(`${at}: matches none of anyOf`);
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.type && !hasType(schema.type, value))
    return [...errors, `${at}: expected ${schema.type}, got ${JSON.stringify(value)}`];
  if (typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? [])
      if (!(name in record)) errors.push(`${at}.${name}: required, missing`);
    for (const [name, property] of Object.entries(schema.properties ?? {}))
      if (name in record) errors.push(...schemaErrors(property, record[name], `${at}.${name}`));
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((item, i) => errors.push(...schemaErrors(schema.items!, item, `${at}[${i}]`)));
  return errors;
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}
