/**
 * The one reader of `pulumi.Config`: takes every `llm-deploy:*` key of the stack, validates them
 * all at once (parseStackConfig), and reads the secrets as Pulumi secrets.
 */
import * as pulumi from '@pulumi/pulumi';
import { parseStackConfig, projectKeys } from './config/parse';
import { CONFIG_NAMESPACE } from './config/schema';
import type { StackConfig } from './config/stack-config';

export type { StackConfig } from './config/stack-config';

/** Secret config values, each a Pulumi secret Output; absent when the stack does not set it. */
export interface StackSecrets {
  hfToken?: pulumi.Output<string>;
  /** Comma-separated in config; one key per line here, the API_KEYS_FILE format. */
  apiKeys?: pulumi.Output<string>;
  /** whsec_...: signs the server's webhooks (WEBHOOK_SECRET). */
  webhookSecret?: pulumi.Output<string>;
  registryPassword?: pulumi.Output<string>;
  kubeconfig?: pulumi.Output<string>;
}

export interface StackInputs {
  config: StackConfig;
  secrets: StackSecrets;
}

/** Throws StackConfigError (every problem, one per line) before any resource is declared. */
export function readStackConfig(): StackInputs {
  const config = parseStackConfig(projectKeys(pulumi.runtime.allConfig()));
  const pulumiConfig = new pulumi.Config(CONFIG_NAMESPACE);
  const secret = (key: keyof StackConfig['secretsSet']) =>
    config.secretsSet[key] ? pulumiConfig.requireSecret(key) : undefined;
  const apiKeys = secret('apiKeys')?.apply((keys) =>
    keys
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '')
      .join('\n'),
  );
  const secrets: StackSecrets = {
    hfToken: secret('hfToken'),
    apiKeys: apiKeys && pulumi.secret(apiKeys),
    webhookSecret: secret('webhookSecret'),
    registryPassword: secret('registryPassword'),
    kubeconfig: secret('kubeconfig'),
  };
  return { config, secrets };
}
