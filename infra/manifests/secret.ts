import { serviceNames } from '../lib/naming';
import { SECRET_KEYS } from './constants';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

export interface SecretValues<V> {
  hfToken?: V;
  /** One key per line. */
  apiKeys?: V;
}

/**
 * The service's Secret. Generic in the value type: Pulumi passes secret Outputs, so values are
 * never plain; render never calls it, so rendered YAML only references the Secret by name.
 */
export function toSecret<V>(spec: InferenceSpec, values: SecretValues<V>) {
  const stringData: Record<string, V> = {};
  if (values.hfToken !== undefined) stringData[SECRET_KEYS.hfToken] = values.hfToken;
  if (values.apiKeys !== undefined) stringData[SECRET_KEYS.apiKeys] = values.apiKeys;
  return {
    apiVersion: 'v1' as const,
    kind: 'Secret' as const,
    metadata: objectMeta(spec, serviceNames(spec.service.name).secret) as ObjectMeta,
    type: 'Opaque',
    stringData,
  };
}

/** What a GitOps user must create before applying rendered YAML: the Secret's name and keys. */
export function secretReference(spec: InferenceSpec): {
  name: string;
  namespace: string;
  keys: string[];
} {
  const keys: string[] = [];
  if (spec.service.secrets.hfToken) keys.push(SECRET_KEYS.hfToken);
  if (spec.service.secrets.apiKeys) keys.push(SECRET_KEYS.apiKeys);
  return { name: serviceNames(spec.service.name).secret, namespace: spec.service.namespace, keys };
}
