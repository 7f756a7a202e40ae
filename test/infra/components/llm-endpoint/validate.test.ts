/**
 * LlmEndpoint checks its args with the stack config's rules: the same mistake gets the same
 * reason and fix, the fields named as the args spell them, every problem at once, before any
 * resource; a rule that reads an Output waits for its value.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { StackConfigError } from '../../../../infra/config/errors';
import { parseStackConfig } from '../../../../infra/config/parse';
import { CONFIG_KEYS } from '../../../../infra/config/schema';
import {
  ENDPOINT_DEFAULTS,
  ENDPOINT_FIELD_PATHS,
  LlmEndpoint,
  type LlmEndpointArgs,
} from '../../../../infra/components/llm-endpoint';
import type { ServiceField } from '../../../../infra/model';
import {
  apiKeysFile,
  checkedEndpointSettings,
} from '../../../../infra/components/llm-endpoint/checks';
import { installMocks } from '../../platforms/support/mocks';

const stack = installMocks('checks');
const provider = new k8s.Provider('cluster', { kubeconfig: 'apiVersion: v1' });
const late = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5));
type OutputInternals<T> = {
  promise(): Promise<T>;
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
  allResources(): Promise<unknown>;
};
/**
 * An Output's value, or its failure (these members are internal to the SDK's typings). A failed
 * Output fails the promises derived from it too; `pulumi up` reports them as the program's
 * error, here they are observed so that only the value's failure counts.
 */
function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  const internals = output as unknown as OutputInternals<T>;
  for (const derived of [internals.isKnown, internals.isSecret, internals.allResources()])
    derived.catch(() => undefined);
  return internals.promise();
}
const IMAGE = `registry.example.com/llm@sha256:${'a'.repeat(64)}`;

/**
 * A public endpoint with keys, a certificate from Let's Encrypt and KEDA on the add-on's
 * Prometheus: valid as a stack and as args.
 */
const VALID_STACK = {
  target: 'onprem',
  addonPrometheus: 'true',
  host: 'llm.example.com',
  acmeEmail: 'ops@example.com',
  apiKeys: 'k1',
  registryPassword: 'pw',
  onprem: { kubeconfigPath: '/k', registry: { server: 'reg.local:5000', username: 'ci' } },
};
const VALID_ARGS: LlmEndpointArgs = {
  provider,
  image: IMAGE,
  ingress: { host: 'llm.example.com' },
  secrets: { apiKeys: ['k1'] },
  addons: { acmeEmail: 'ops@example.com', prometheus: true },
};

function stackProblems(overrides: Record<string, unknown>): string[] {
  try {
    parseStackConfig({ ...VALID_STACK, ...overrides });
  } catch (error) {
    if (!(error instanceof StackConfigError)) throw error;
    return error.message.split('\n').slice(1);
  }
  return [];
}

function endpointProblems(name: string, change: (args: LlmEndpointArgs) => LlmEndpointArgs) {
  try {
    new LlmEndpoint(name, change({ ...VALID_ARGS }));
  } catch (error) {
    return (error as Error).message.split('\n');
  }
  return [];
}

/** A stack's message with each key written as the args' path to the same setting. */
function inArgsTerms(line: string): string {
  const paths = ENDPOINT_FIELD_PATHS as Record<string, string>;
  const [problem, fix] = line.split('. Fix: ');
  const keys = (text: string, bare: boolean) =>
    text.replace(/(?<![.\w])(llm-deploy:)?(\w+)/g, (word, prefix: string | undefined, key) =>
      key in paths && (prefix || (bare && !['name', 'model'].includes(key))) ? paths[key] : word,
    );
  return `${keys(problem, false)}. Fix: ${keys(fix, true)}`;
}

const SAME_MISTAKES: [string, Record<string, unknown>, (a: LlmEndpointArgs) => LlmEndpointArgs][] =
  [
    [
      'request above limit',
      { memoryRequest: '8Gi' },
      (a) => ({ ...a, resources: { memoryRequest: '8Gi' } }),
    ],
    [
      'more min than max replicas',
      { minReplicas: 5, maxReplicas: 2 },
      (a) => ({ ...a, scaling: { minReplicas: 5, maxReplicas: 2 } }),
    ],
    [
      'scale to zero on an HPA',
      { scaleToZero: true, autoscaler: 'hpa' },
      (a) => ({ ...a, scaling: { scaleToZero: true, autoscaler: 'hpa' } }),
    ],
    [
      'a URL for a host',
      { host: 'https://llm.example.com/' },
      (a) => ({ ...a, ingress: { host: 'https://llm.example.com/' } }),
    ],
    ['no ACME e-mail', { acmeEmail: undefined }, (a) => ({ ...a, addons: { prometheus: true } })],
    [
      'model load time out of range',
      { modelLoadSeconds: 10 },
      (a) => ({ ...a, server: { modelLoadSeconds: 10 } }),
    ],
    [
      'cores as words',
      { cpuRequest: '2 cores' },
      (a) => ({ ...a, resources: { cpuRequest: '2 cores' } }),
    ],
    [
      'an alert threshold out of range',
      { ttftSloMilliseconds: 10 },
      (a) => ({ ...a, addons: { ...a.addons, ttftSloMilliseconds: 10 } }),
    ],
    ['upper-case dtype', { dtype: 'FP16' }, (a) => ({ ...a, model: { dtype: 'FP16' as 'fp16' } })],
  ];

describe('LlmEndpoint args', () => {
  test.each(SAME_MISTAKES)(
    '%s: the stack config message, in the args terms',
    (_, stackChange, change) => {
      const [expected, ...others] = stackProblems(stackChange);
      expect(others).toEqual([]);
      expect(endpointProblems('llm', change)).toEqual(['LlmEndpoint llm:', inArgsTerms(expected)]);
    },
  );

  test('a public endpoint without keys: the same rule, a fix for a program', () => {
    expect(stackProblems({ apiKeys: undefined })).toEqual([
      '  - llm-deploy:apiKeys = (not set): the endpoint is public (host llm.example.com) and has no API keys. Fix: pulumi config set --secret llm-deploy:apiKeys <key1,key2>, or set llm-deploy:allowAnonymous true',
    ]);
    expect(endpointProblems('llm', (a) => ({ ...a, secrets: {} }))).toEqual([
      'LlmEndpoint llm:',
      '  - secrets.apiKeys = (not set): the endpoint is public (host llm.example.com) and has no API keys. Fix: pass secrets.apiKeys, or set allowAnonymous true',
    ]);
    expect(endpointProblems('llm', (a) => ({ ...a, secrets: {}, allowAnonymous: true }))).toEqual(
      [],
    );
  });

  test('every problem at once, before any resource', () => {
    const before = stack.resources.length;
    const lines = endpointProblems('LLM_Prod', (a) => ({
      ...a,
      namespace: 'Bad_Namespace',
      scaling: { minReplicas: 0, prometheusUrl: 'prometheus:9090' },
      resources: { gpus: 1.5 },
    }));
    expect(lines.map((l) => l.split(' = ')[0])).toEqual([
      'LlmEndpoint LLM_Prod:',
      '  - name',
      '  - namespace',
      '  - resources.gpus',
      '  - scaling.minReplicas',
      '  - scaling.prometheusUrl',
    ]);
    expect(stack.resources.length).toBe(before);
  });

  test('a rule that reads an Output waits for its value, then fails the deployment', async () => {
    const args = { ...VALID_ARGS, scaling: { minReplicas: 5, maxReplicas: pulumi.output(2) } };
    const settings = checkedEndpointSettings('waits', args);
    await expect(promiseOf(settings.values)).rejects.toThrow(
      'LlmEndpoint waits:\n  - scaling.minReplicas = 5: exceeds scaling.maxReplicas (2). Fix: lower scaling.minReplicas or raise scaling.maxReplicas',
    );
    const valid = checkedEndpointSettings('valid', { ...args, scaling: { maxReplicas: late(6) } });
    expect((await promiseOf(valid.values)).scaling).toMatchObject({
      minReplicas: 1,
      maxReplicas: 6,
    });
  });

  test('API keys are checked without being echoed', async () => {
    const keys = apiKeysFile('keys', pulumi.secret(['good-key', 'bad key']));
    await expect(promiseOf(keys)).rejects.toThrow(
      'LlmEndpoint keys:\n  - secrets.apiKeys[1] = "[secret]": is empty or holds a space or comma. Fix: pass keys without spaces or commas',
    );
    await expect(promiseOf(apiKeysFile('keys', []))).rejects.toThrow(
      'secrets.apiKeys = "[secret]": is an empty list',
    );
    expect(await promiseOf(apiKeysFile('keys', ['a', pulumi.output('b')]))).toBe('a\nb');
  });

  test('defaults are the stack config defaults', () => {
    for (const [key, value] of Object.entries(ENDPOINT_DEFAULTS)) {
      expect([key, (CONFIG_KEYS as Record<string, { default?: unknown }>)[key]?.default]).toEqual([
        key,
        value,
      ]);
    }
    const paths: Record<ServiceField, string> = ENDPOINT_FIELD_PATHS;
    expect(Object.keys(paths).length).toBeGreaterThan(30);
  });
});
