/**
 * How a Deployment rolls out a new version. Found by the e2e test: on a cluster with one GPU, a
 * config change on the GPU stack never finished (the surge pod stayed Pending, "Insufficient
 * nvidia.com/gpu") until Pulumi gave up.
 */
import { parseStackConfig } from '../../../infra/config/parse';
import { toDeployment } from '../../../infra/manifests/deployment';
import type { InferenceSpec } from '../../../infra/manifests';
import { awsGpuScheduling } from '../../../infra/platforms/aws/scheduling';
import { gcpGpuScheduling } from '../../../infra/platforms/gcp/scheduling';
import { onPremGpuScheduling } from '../../../infra/platforms/onprem';

function strategyOf(gpus: number, gpu: InferenceSpec['gpu']) {
  const config = parseStackConfig({ gpusPerReplica: String(gpus), autoscaler: 'hpa' });
  const spec: InferenceSpec = {
    service: config.service,
    image: 'r/x@sha256:' + '1'.repeat(64),
    gpu,
    managedBy: 'pulumi',
    pullSecret: false,
  };
  return toDeployment(spec).spec?.strategy;
}

const onPrem = onPremGpuScheduling(
  parseStackConfig(
    {
      target: 'onprem',
      autoscaler: 'hpa',
      onprem: '{"registry":{"server":"r.internal","username":"u"}}',
    },
    'render',
  ).onprem!,
);

test('an on-prem GPU Deployment replaces one pod at a time: its fixed GPUs have none spare for a new pod', () => {
  expect(strategyOf(1, onPrem)).toEqual({
    type: 'RollingUpdate',
    rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
  });
});

test('GPU Deployments on autoscaled node groups (aws, gcp) start the new pod before stopping an old one', () => {
  for (const gpu of [awsGpuScheduling(), gcpGpuScheduling('nvidia-l4')]) {
    expect(strategyOf(1, gpu)).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  }
});

test('CPU Deployments start the new pod first everywhere, on-prem too', () => {
  expect(strategyOf(0, onPrem)?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
});
