import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { StackConfigError } from '../../infra/config/errors';
import { parseStackConfig, projectKeys } from '../../infra/config/parse';
import { CONFIG_KEYS } from '../../infra/config/schema';
import { REPO_ROOT, runProgram } from '../helpers/pulumi-program';
import { withSecrets } from '../helpers/stacks';

/** A valid on-prem stack that each case breaks in one or more ways. */
const VALID: Record<string, unknown> = {
  target: 'onprem',
  host: 'llm.example.com',
  acmeEmail: 'ops@example.com',
  apiKeys: 'k1',
  registryPassword: 'pw',
  // KEDA's metric source: the cluster's own Prometheus.
  prometheusUrl: 'http://prometheus.monitoring.svc:9090',
  onprem: {
    kubeconfigPath: '/kube/config',
    registry: { server: 'reg.local:5000', username: 'ci' },
  },
};

function problemsOf(overrides: Record<string, unknown>): string[] {
  try {
    parseStackConfig({ ...VALID, ...overrides });
  } catch (error) {
    if (error instanceof StackConfigError)
      return error.message
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/^ {2}- /, ''));
    throw error;
  }
  return [];
}

const CASES: [string, Record<string, unknown>, string][] = [
  [
    'unknown target',
    { target: 'azure' },
    'llm-deploy:target = "azure": must be one of aws, gcp, onprem, edge. Fix: pick one of aws, gcp, onprem, edge',
  ],
  [
    'name not a DNS label',
    { name: 'LLM_Prod' },
    'llm-deploy:name = "LLM_Prod": is not a DNS label of at most 51 characters. Fix: use lower-case letters, digits and "-", starting with a letter, e.g. "llm-prod"',
  ],
  [
    'CPU quantity with words',
    { cpuRequest: '2 cores' },
    'llm-deploy:cpuRequest = "2 cores": is not a positive Kubernetes cpu quantity. Fix: use cores ("2", "0.5") or millicores ("500m")',
  ],
  [
    'request above limit',
    { memoryRequest: '8Gi', memoryLimit: '4Gi' },
    'llm-deploy:memoryRequest = "8Gi": exceeds llm-deploy:memoryLimit (4Gi); Kubernetes rejects a request above its limit. Fix: lower memoryRequest or raise memoryLimit',
  ],
  [
    'GPU count not a number',
    { gpusPerReplica: 'one' },
    'llm-deploy:gpusPerReplica = "one": must be a whole number. Fix: use digits only, e.g. llm-deploy:gpusPerReplica: 0',
  ],
  [
    'min above max replicas',
    { minReplicas: '5', maxReplicas: '2' },
    'llm-deploy:minReplicas = 5: exceeds llm-deploy:maxReplicas (2). Fix: lower minReplicas or raise maxReplicas',
  ],
  [
    'scale to zero with an HPA',
    { scaleToZero: 'true', autoscaler: 'hpa' },
    'llm-deploy:scaleToZero = true: needs llm-deploy:autoscaler keda (it is hpa); an HPA cannot scale to zero. Fix: set autoscaler to keda, or scaleToZero to false',
  ],
  [
    'host with a scheme',
    { host: 'https://llm.example.com/' },
    'llm-deploy:host = "https://llm.example.com/": is not a DNS host name. Fix: drop the scheme and path: "llm.example.com"',
  ],
  [
    'public without API keys',
    { apiKeys: undefined },
    'llm-deploy:apiKeys = (not set): the endpoint is public (host llm.example.com) and has no API keys. Fix: pulumi config set --secret llm-deploy:apiKeys <key1,key2>, or set llm-deploy:allowAnonymous true',
  ],
  [
    'ACME without e-mail',
    { acmeEmail: undefined },
    'llm-deploy:acmeEmail = (not set): the add-ons create the ClusterIssuer letsencrypt for llm.example.com, and ACME needs an account e-mail. Fix: set llm-deploy:acmeEmail, or give an existing certificate in llm-deploy:tlsSecretName',
  ],
  [
    'image by tag',
    { image: 'reg.local:5000/llm:latest' },
    'llm-deploy:image = "reg.local:5000/llm:latest": is not pinned by digest, so a rollout could not tell one build from another. Fix: use the form registry/repo@sha256:<64 hex digits> (docker inspect --format "{{index .RepoDigests 0}}")',
  ],
  [
    'dtype in capitals',
    { dtype: 'FP16' },
    'llm-deploy:dtype = "FP16": must be one of fp32, fp16, q8, q4. Fix: write it as "fp16"',
  ],
  [
    'an engine in capitals',
    { engine: 'LlamaCpp' },
    'llm-deploy:engine = "LlamaCpp": must be one of onnx, llamacpp. Fix: write it as "llamacpp"',
  ],
  [
    'a GGUF file and a quantization',
    { ggufFile: 'model-Q8_0.gguf', quant: 'Q4_K_M' },
    'llm-deploy:quant = "Q4_K_M": and llm-deploy:ggufFile (model-Q8_0.gguf) both choose the GGUF file. Fix: set one of them',
  ],
  [
    'a GGUF file that is no .gguf',
    { ggufFile: 'model.onnx' },
    'llm-deploy:ggufFile = "model.onnx": is not a .gguf file name. Fix: name the file as the repository lists it, e.g. "model-Q4_K_M.gguf"',
  ],
  [
    'a quantization with spaces',
    { quant: 'Q4 K M' },
    'llm-deploy:quant = "Q4 K M": is not a quantization label. Fix: use the label in the file names, e.g. "Q4_K_M" or "Q8_0"',
  ],
  [
    'a GGUF choice on the ONNX engine',
    { engine: 'onnx', quant: 'Q4_K_M' },
    'llm-deploy:quant = "Q4_K_M": chooses a GGUF file, but llm-deploy:engine is onnx. Fix: set engine to llamacpp (or leave it empty), or unset this key',
  ],
  [
    'misspelt key',
    { gpuPerReplica: '1' },
    'llm-deploy:gpuPerReplica = "1": is not a setting of llm-deploy. Fix: did you mean llm-deploy:gpusPerReplica?',
  ],
  [
    'boolean as yes',
    { serviceMonitor: 'yes' },
    'llm-deploy:serviceMonitor = "yes": must be true or false. Fix: set llm-deploy:serviceMonitor to true or false',
  ],
  [
    'nginx body size',
    { maxBodySize: '10 MB' },
    'llm-deploy:maxBodySize = "10 MB": is not an nginx size. Fix: use digits with an optional k, m or g suffix, e.g. "10m"',
  ],
  [
    'two kubeconfigs',
    { kubeconfig: 'apiVersion: v1' },
    'llm-deploy:onprem.kubeconfigPath = "/kube/config": is set together with the secret llm-deploy:kubeconfig; only one may say which cluster to use. Fix: remove one of the two',
  ],
  [
    'no kubeconfig',
    { onprem: { registry: { server: 'reg.local:5000', username: 'ci' } } },
    'llm-deploy:onprem.kubeconfigPath = (not set): no kubeconfig is given for the on-prem cluster. Fix: set onprem.kubeconfigPath (a file) or the secret llm-deploy:kubeconfig (its content)',
  ],
  [
    'misspelt section field',
    {
      kubeconfig: 'apiVersion: v1',
      onprem: { kubeconfigpath: '/k', registry: { server: 'reg.local:5000', username: 'ci' } },
    },
    'llm-deploy:onprem.kubeconfigpath = "/k": is not a field of this section. Fix: did you mean kubeconfigPath?',
  ],
  [
    'bad taint effect',
    {
      onprem: {
        ...(VALID.onprem as object),
        gpuTaints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedul' }],
      },
    },
    'llm-deploy:onprem.gpuTaints[0].effect = "NoSchedul": must be one of NoSchedule, PreferNoSchedule, NoExecute. Fix: copy the effect from `kubectl describe node` of a GPU node',
  ],
  [
    'TTFT SLO below what a histogram bucket can tell',
    { ttftSloMilliseconds: 10 },
    'llm-deploy:ttftSloMilliseconds = 10: must be between 50 and 600000. Fix: pick a value in that range',
  ],
  [
    'no registry password',
    { registryPassword: undefined },
    'llm-deploy:registryPassword = (not set): the password to push to reg.local:5000 is missing. Fix: pulumi config set --secret llm-deploy:registryPassword <password>',
  ],
];

describe('invalid configs fail with exact, helpful messages', () => {
  test.each(CASES)('%s', (_, overrides, expected) => {
    expect(problemsOf(overrides)).toEqual([expected]);
  });

  test('every problem is reported at once', () => {
    const problems = problemsOf({
      target: 'azure',
      name: 'LLM_Prod',
      dtype: 'FP16',
      minReplicas: '5',
      maxReplicas: '2',
    });
    expect(problems.map((p) => p.split(' = ')[0])).toEqual([
      'llm-deploy:target',
      'llm-deploy:name',
      'llm-deploy:dtype',
      'llm-deploy:minReplicas',
    ]);
  });

  test('secret values never appear in a message', () => {
    const error = (() => {
      try {
        parseStackConfig({
          ...VALID,
          apiKey: 'super-secret-value',
          kubeconfig: 'secret-kubeconfig',
        });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain(
      'llm-deploy:apiKey = [secret]: is not a setting of llm-deploy. Fix: did you mean llm-deploy:apiKeys?',
    );
    expect(error?.message).not.toContain('super-secret-value');
    expect(error?.message).not.toContain('secret-kubeconfig');
  });

  test('the Pulumi program fails before declaring any resource', async () => {
    const { config, secretKeys } = withSecrets(
      {
        'llm-deploy:target': 'onprem',
        'llm-deploy:cpuRequest': '2 cores',
        'llm-deploy:onprem':
          '{"kubeconfigPath":"/k","registry":{"server":"r.local","username":"u"}}',
      },
      ['registryPassword'],
    );
    const run = await runProgram({ stack: 'invalid', config, secretKeys });
    expect(run.records).toEqual([]);
    expect(run.error).toBeInstanceOf(Error);
    expect((run.error as unknown as { __pulumiRunError: boolean }).__pulumiRunError).toBe(true);
    expect(run.error?.message).toContain(
      'llm-deploy:cpuRequest = "2 cores": is not a positive Kubernetes cpu quantity',
    );
  });
});

describe('defaults and the schema', () => {
  test('an empty config gets the documented defaults', () => {
    const config = parseStackConfig({});
    expect(config.target).toBe('edge');
    expect(config.service).toMatchObject({
      name: 'llm',
      namespace: 'llm',
      resources: { cpuRequest: '1', memoryLimit: '4Gi', gpus: 0 },
      scaling: { autoscaler: 'keda', minReplicas: 1, maxReplicas: 3 },
    });
    expect(config.service.ingress).toBeUndefined();
  });

  test('Pulumi.yaml declares every key with the same type, default and description', () => {
    const project = parse(fs.readFileSync(path.join(REPO_ROOT, 'Pulumi.yaml'), 'utf8'));
    expect(project.name).toBe('llm-deploy');
    expect(project.main).toBe('infra/index.ts');
    const expected = Object.fromEntries(
      Object.entries(CONFIG_KEYS).map(([key, spec]) => {
        const s = spec as { type: string; default?: unknown; secret?: true; description: string };
        // Secret keys: an empty default and no type (the CLI's rules; see the next test).
        return [
          key,
          s.secret
            ? { secret: true, default: '', description: s.description }
            : {
                type: s.type,
                ...(s.default !== undefined ? { default: s.default } : {}),
                description: s.description,
              },
        ];
      }),
    );
    expect(project.config).toEqual(expected);
  });

  test('Pulumi.yaml leaves every key optional, as the Pulumi CLI reads it', () => {
    // The CLI refuses `pulumi up` of a stack that does not set a key declared without a default
    // ("Stack 'dev' is missing configuration value 'hfToken'"), and rejects the default of a
    // typed secret key as not encrypted ("must be encrypted as it's secret"). Found by the e2e test.
    const project = parse(fs.readFileSync(path.join(REPO_ROOT, 'Pulumi.yaml'), 'utf8'));
    const specs = Object.entries(project.config as Record<string, Record<string, unknown>>);
    expect(specs.filter(([, s]) => s.default === undefined).map(([k]) => k)).toEqual([]);
    expect(specs.filter(([, s]) => s.secret && s.type !== undefined).map(([k]) => k)).toEqual([]);
  });

  test('the README documents every key', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const key of Object.keys(CONFIG_KEYS)) expect(readme).toContain(`| \`${key}\``);
  });

  test('Pulumi.dev.yaml is valid and targets edge with the embedded model on CPU', () => {
    const dev = parse(fs.readFileSync(path.join(REPO_ROOT, 'Pulumi.dev.yaml'), 'utf8'));
    const config = parseStackConfig(projectKeys(dev.config));
    expect(config.target).toBe('edge');
    expect(config.service.model.id).toBeUndefined();
    expect(config.service.resources.gpus).toBe(0);
  });
});
