import type { AwsPlatformArgs } from '../platforms/aws/args';
import type { GcpPlatformArgs } from '../platforms/gcp/args';
import type { CostEstimate } from '../lib/pricing';
import type { AddonSettings, OnPremSettings, ServiceSettings } from '../model';
import type { EdgeSettings } from './edge';
import type { Target } from './schema';

/** The validated stack config. Secret values are not here: config.ts reads them as Outputs. */
export interface StackConfig {
  target: Target;
  service: ServiceSettings;
  addons: AddonSettings;
  /** A prebuilt image pinned by digest; undefined builds docker/. */
  prebuiltImage?: string;
  onprem?: OnPremSettings;
  /** The target's platform args (`llm-deploy:aws`, `gcp`, `edge`), validated, defaults filled. */
  aws?: AwsPlatformArgs;
  gcp?: GcpPlatformArgs;
  edge?: EdgeSettings;
  /** What the stack costs per hour and month at its replica bounds, from the pricing table. */
  cost: CostEstimate;
  secretsSet: {
    hfToken: boolean;
    apiKeys: boolean;
    webhookSecret: boolean;
    registryPassword: boolean;
    kubeconfig: boolean;
  };
}
