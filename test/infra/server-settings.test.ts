/**
 * Stack keys that become server settings: corsOrigins (CORS_ORIGINS, plain) and the webhookSecret
 * (WEBHOOK_SECRET, a Pulumi secret: a secretKeyRef on Kubernetes, a secret env at the edge).
 */
import { formatProblem, StackConfigError } from '../../infra/config/errors';
import { parseStackConfig } from '../../infra/config/parse';
import { pulumiSecretViolations } from '../helpers/policy';
import { kubeObjects, runProgram, SECRET_SIG, unwrapSecrets } from '../helpers/pulumi-program';
import { withSecrets } from '../helpers/stacks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WEBHOOK_SECRET = `whsec_${Buffer.from('stack webhook secret 0123456789ab').toString('base64')}`;
const ORIGINS = 'https://app.example.com,http://localhost:5173';

async function runWith(base: Record<string, string>, secrets: ('apiKeys' | 'registryPassword')[]) {
  const { config, secretKeys } = withSecrets(base, secrets);
  config['llm-deploy:webhookSecret'] = WEBHOOK_SECRET;
  const run = await runProgram({
    stack: 'settings',
    config,
    secretKeys: [...secretKeys, 'llm-deploy:webhookSecret'],
  });
  expect(run.error).toBeUndefined();
  return run;
}

test('on Kubernetes: CORS_ORIGINS in the env, WEBHOOK_SECRET from the service Secret', async () => {
  const run = await runWith(
    {
      'llm-deploy:target': 'onprem',
      'llm-deploy:corsOrigins': ORIGINS,
      'llm-deploy:autoscaler': 'hpa',
      'llm-deploy:onprem': JSON.stringify({
        kubeconfigPath: '/k',
        registry: { server: 'reg.local', username: 'u' },
      }),
    },
    ['registryPassword'],
  );
  const objects = kubeObjects(run).map((o) => o.object as Obj);
  const deployment = objects.find((o) => o.kind === 'Deployment')!;
  const serviceSecret = objects.find((o) => o.kind === 'Secret' && o.type === 'Opaque')!;
  const env = deployment.spec.template.spec.containers[0].env as Obj[];
  expect(env).toEqual(
    expect.arrayContaining([
      { name: 'CORS_ORIGINS', value: ORIGINS },
      {
        name: 'WEBHOOK_SECRET',
        valueFrom: { secretKeyRef: { name: serviceSecret.metadata.name, key: 'webhook-secret' } },
      },
    ]),
  );
  const secret = run.records.find(
    (r) => r.type === 'kubernetes:core/v1:Secret' && r.name === 'llm-secret',
  )!;
  expect(secret.inputs.stringData).toHaveProperty(SECRET_SIG); // a Pulumi secret, never plain
  expect((unwrapSecrets(secret.inputs) as Obj).stringData['webhook-secret']).toBe(WEBHOOK_SECRET);
  expect(pulumiSecretViolations(run.records, [WEBHOOK_SECRET])).toEqual([]);
});

test('at the edge: CORS_ORIGINS in the env, WEBHOOK_SECRET among the secret env', async () => {
  const run = await runWith({ 'llm-deploy:target': 'edge', 'llm-deploy:corsOrigins': ORIGINS }, []);
  const server = run.records.find((r) => r.type === 'docker:index/container:Container')!;
  expect(server.inputs.envs).toHaveProperty(SECRET_SIG);
  expect(unwrapSecrets(server.inputs.envs)).toEqual(
    expect.arrayContaining([`CORS_ORIGINS=${ORIGINS}`, `WEBHOOK_SECRET=${WEBHOOK_SECRET}`]),
  );
});

test('without the keys nothing changes: no CORS_ORIGINS, no WEBHOOK_SECRET', () => {
  const config = parseStackConfig({ target: 'edge' });
  expect(config.service.corsOrigins).toEqual([]);
  expect(config.service.secrets.webhookSecret).toBe(false);
});

test('a corsOrigins entry that is not an origin is named', () => {
  let problems: string[] = [];
  try {
    parseStackConfig({ target: 'edge', corsOrigins: 'https://app.example.com/, app.example.com' });
  } catch (error) {
    problems = (error as StackConfigError).problems.map(formatProblem);
  }
  expect(problems).toEqual([
    expect.stringMatching(
      /^llm-deploy:corsOrigins = "https:\/\/app\.example\.com\/": is not an origin/,
    ),
    expect.stringMatching(/^llm-deploy:corsOrigins = "app\.example\.com": is not an origin/),
  ]);
});
