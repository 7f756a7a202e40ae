import * as path from 'path';
import { REPO_ROOT, stackFileConfig } from './pulumi-program';

/** Example stacks (examples/stacks/) and the secrets a user would set on each with --secret. */
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples', 'stacks');

export const TEST_SECRETS = {
  'llm-deploy:apiKeys': 'sk-test-key-one,sk-test-key-two',
  'llm-deploy:hfToken': 'hf_testtokenvalue0123456789',
  'llm-deploy:registryPassword': 'registry-password-0123456789',
  'llm-deploy:kubeconfig':
    'apiVersion: v1\nkind: Config\nclusters: []\n# kubeconfig-secret-marker-0123456789',
};

/** The distinctive plain texts of the test secrets: none may show outside a Pulumi secret. */
export const SECRET_TEXTS = [
  'sk-test-key-one',
  'sk-test-key-two',
  'hf_testtokenvalue0123456789',
  'registry-password-0123456789',
  'kubeconfig-secret-marker-0123456789',
];

export function exampleStackFile(stack: string): string {
  return path.join(EXAMPLES_DIR, `Pulumi.${stack}.yaml`);
}

/** An example stack's config plus the secrets (short names: apiKeys, ...) it says to set. */
export function exampleStackConfig(stack: string, secrets: SecretName[]) {
  return withSecrets(stackFileConfig(exampleStackFile(stack)), secrets);
}

export type SecretName = 'apiKeys' | 'hfToken' | 'registryPassword' | 'kubeconfig';

export function withSecrets(base: Record<string, string>, secrets: SecretName[]) {
  const config: Record<string, string> = { ...base };
  const secretKeys = secrets.map((name) => `llm-deploy:${name}`);
  for (const key of secretKeys) config[key] = TEST_SECRETS[key as keyof typeof TEST_SECRETS];
  return { config, secretKeys };
}
