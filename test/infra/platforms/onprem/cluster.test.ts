import * as pulumi from '@pulumi/pulumi';
import { OnPremCluster } from '../../../../infra/platforms/onprem';
import { installMocks, isSecretInput, settle, valueOf, type Loose } from '../support/mocks';

const stack = installMocks('onprem');

let cluster: OnPremCluster;
beforeAll(async () => {
  cluster = new OnPremCluster('lab', {
    kubeconfig: 'apiVersion: v1\nclusters: []',
    context: 'lab',
    gpuTaints: [],
    registry: {
      server: 'reg.lab:5000',
      repository: 'reg.lab:5000/llm',
      username: 'ci',
      password: 'registry-password',
    },
  });
  new OnPremCluster('plain', {});
  await valueOf(cluster.platform.gpu);
  await settle();
});

describe('OnPremCluster', () => {
  it('reaches the cluster through the kubeconfig, kept secret even when given plain', () => {
    const provider = stack.named('lab-k8s').inputs as Loose;
    expect(isSecretInput(provider.kubeconfig)).toBe(true);
    expect(provider.context).toBe('lab');
    expect(stack.named('plain-k8s').inputs.kubeconfig).toBeUndefined();
  });

  it('keeps its args in its state, credentials as secrets', () => {
    const state = stack.named('lab', 'llm-deploy:onprem:OnPremCluster').inputs as Loose;
    expect(state.context).toBe('lab');
    // The mocks mark the top-level field that holds a secret.
    expect(isSecretInput(state.kubeconfig)).toBe(true);
    expect(isSecretInput(state.registry)).toBe(true);
    const plain = Object.values(state).filter((value) => !isSecretInput(value));
    expect(JSON.stringify(plain)).not.toMatch(/registry-password|clusters/);
  });

  it('hands workloads the GPU facts and the registry they pull from', () => {
    expect(cluster.platform.gpu).toEqual({
      resourceName: 'nvidia.com/gpu',
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      taints: [],
    });
    expect(cluster.platform.pullWithRegistryCredentials).toBe(true);
    expect(cluster.platform.registry?.server).toBe('reg.lab:5000');
  });

  it('refuses two kubeconfigs', () => {
    expect(
      () =>
        new OnPremCluster('both', {
          kubeconfig: pulumi.secret('x'),
          kubeconfigPath: '/kube/config',
        }),
    ).toThrow(
      'OnPremCluster:\n  - kubeconfigPath = "/kube/config": is given together with kubeconfig; only one may say which cluster to use. Fix: remove one of the two',
    );
  });
});
