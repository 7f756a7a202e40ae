/**
 * Validates custom resources against the openAPIV3Schema of their published CRDs (the files in
 * test/fixtures/crds/, provenance in its SOURCES.md), with ajv. Like an API server with strict
 * field validation, a field the schema does not declare is an error (unless the schema preserves
 * unknown fields). CEL rules (x-kubernetes-validations) are not evaluated here.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

export const CRD_DIR = path.join(__dirname, '..', 'fixtures', 'crds');

type Schema = Record<string, unknown>;

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[];
  };
}

/** Closes every object schema that lists its properties, as structural pruning would drop the rest. */
function strict(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' || key === 'patternProperties')
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, strict(v)]),
      );
    else if ((key === 'items' || key === 'additionalProperties') && typeof value === 'object')
      out[key] = strict(value as Schema);
    else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf')
      out[key] = (value as Schema[]).map(strict);
    else out[key] = value;
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (schema.properties && !('additionalProperties' in schema) && !open)
    out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validators = new Map<string, ValidateFunction>();
/** group/version/Kind -> the CRD file it came from, for messages. */
export const CRD_VERSIONS: Record<string, string> = {};

for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))) {
  const documents = parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'));
  for (const document of documents) {
    const crd = document.toJS() as Crd | null;
    if (!crd?.spec?.versions) continue;
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
      validators.set(key, ajv.compile(strict(version.schema.openAPIV3Schema)));
      CRD_VERSIONS[key] = file;
    }
  }
}

/** The schema errors of one custom resource; empty when it is valid. */
export function crdSchemaErrors(object: Record<string, unknown>): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const validate = validators.get(key);
  if (!validate) return [`no CRD known for ${key}`];
  if (validate(object)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${e.params.additionalProperty}` : ''}`,
  );
}
