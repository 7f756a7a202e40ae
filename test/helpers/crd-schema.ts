/**
 * Validates custom resources against the openAPIV3Schema of their CRDs, with ajv: the published
 * CRDs that test/fixtures/crds/crds.json pins (read from the cache `npm run fetch-crds` fills,
 * sha256 checked) and our own schema of the Pulumi Kubernetes Operator's Stack
 * (test/fixtures/crds/pulumi-operator-stack.yaml, whose header says why it is ours). Like an API
 * server with strict field validation, a field the schema does not declare is an error (unless
 * the schema preserves unknown fields). CEL rules (x-kubernetes-validations) are not evaluated.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { pinnedCrds, readPinnedCrd, sourceOf } from './crd-cache';

const OUR_STACK_SCHEMA = path.join(
  __dirname,
  '..',
  'fixtures',
  'crds',
  'pulumi-operator-stack.yaml',
);

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
let validators: Map<string, ValidateFunction> | undefined;
/** group/version/Kind -> where its schema came from. */
const sources: Record<string, string> = {};

function addCrds(into: Map<string, ValidateFunction>, yamlText: string, source: string): void {
  for (const document of parseAllDocuments(yamlText)) {
    const crd = document.toJS() as Crd | null;
    if (!crd?.spec?.versions) continue;
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
      into.set(key, ajv.compile(strict(version.schema.openAPIV3Schema)));
      sources[key] = source;
    }
  }
}

/** Loaded on first use, so a CRD missing from the cache fails the tests that need it, saying why. */
function loadValidators(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const loaded = new Map<string, ValidateFunction>();
  for (const crd of pinnedCrds()) addCrds(loaded, readPinnedCrd(crd), sourceOf(crd));
  addCrds(loaded, fs.readFileSync(OUR_STACK_SCHEMA, 'utf8'), path.basename(OUR_STACK_SCHEMA));
  validators = loaded;
  return loaded;
}

/** group/version/Kind -> where its schema came from (module@version path, or our file). */
export function crdSources(): Record<string, string> {
  loadValidators();
  return { ...sources };
}

/** The schema errors of one custom resource; empty when it is valid. */
export function crdSchemaErrors(object: Record<string, unknown>): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const validate = loadValidators().get(key);
  if (!validate) return [`no CRD known for ${key}`];
  if (validate(object)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${e.params.additionalProperty}` : ''}`,
  );
}
