/**
 * `npm run test:e2e`: the real Pulumi engine against a local Kubernetes control plane. One
 * cluster and one offline Pulumi sandbox for all suites; each suite creates and destroys its own
 * stacks. Run with `node -r ./infra/render/register-ts.js test/e2e/run.ts` (after toolchain.sh);
 * E2E_KEEP=1 keeps the temporary folder (state, logs, kubeconfig) for a look afterwards.
 */
import { after, before } from 'node:test';
import { setUp, tearDown } from './support/context';
import './stacks.e2e';
import './examples.e2e';
import './render.e2e';
import './aliases.e2e';

before(() => {
  setUp();
});

after(() => {
  tearDown();
});

// Ctrl-C or a CI timeout: stop the cluster's processes before going.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    tearDown();
    process.exit(130);
  });
}
