import { serviceNames } from '../lib/naming';
import { SECRET_KEYS } from './constants';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

export interface SecretValues<V> {
  hfToken?: V;
  /** One key per line. */
  apiKeys?: V;
  webhookSecret?: V;
}

/**
 * The service's Secret. Generic in the value type: Pulumi passes secret Outputs, so values are
 * never plain; render never calls it, so rendered YAML only references the Secret by name.
 */
export function toSecret<V>(spec: InferenceSpec, values: SecretValues<V>) {
  const stringData: Record<string, V> = {};
  if (values.hfToken !== undefined) stringData[SECRET_KEYS.hfToken] = values.hfToken;
  if (values.apiKeys !== undefined) stringData[SECRET_KEYS.apiKeys] = values.apiKeys;
  if (values.webhookSecret !== undefined)
    stringData[SECRET_KEYS.webhookSecret] = values.webhookSecret;
  return {
    apiVersion: 'v1' as const,
    kind: 'Secret' as const,
    metadata: objectMeta(spec, serviceNames(spec.service.name).secret) as ObjectMeta,
    type: 'Opaque',
    stringData,
  };
}

/** Credentials the kubelet pulls the image with, in the Docker config format. */
export function toRegistrySecret<V>(spec: InferenceSpec, dockerConfigJson: V) {
  return {
    apiVersion: 'v1' as const,
    kind: 'Secret' as const,
    metadata: objectMeta(spec, serviceNames(spec.service.name).registrySecret) as ObjectMeta,
    type: 'kubernetes.io/dockerconfigjson',
    stringData: { '.dockerconfigjson': dockerConfigJson },
  };
}

/** The Docker config JSON for one registry login. */
export function dockerConfigJson(server: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  return JSON.stringify({ auths: { [server]: { username, password, auth } } });
}

export interface SecretReference {
  name: string;
  type: string;
  keys: string[];
}

/** What a GitOps user must create before applying rendered YAML: each Secret's name and keys. */
export function secretReferences(spec: InferenceSpec): SecretReference[] {
  const names = serviceNames(spec.service.name);
  const keys: string[] = [];
  if (spec.service.secrets.hfToken) keys.push(SECRET_KEYS.hfToken);
  if (spec.service.secrets.apiKeys) keys.push(SECRET_KEYS.apiKeys);
  if (spec.service.secrets.webhookSecret) keys.push(SECRET_KEYS.webhookSecret);
  const references: SecretReference[] = [];
  if (keys.length > 0) references.push({ name: names.secret, type: 'Opaque', keys });
  if (spec.pullSecret) {
    references.push({
      name: names.registrySecret,
      type: 'kubernetes.io/dockerconfigjson',
      keys: ['.dockerconfigjson'],
    });
  }
  return references;
}
