/** `llm-deploy/gcp`: a GKE cluster ready for GPU inference (needs `@pulumi/gcp`). */
export { GcpPlatform } from '../platforms/gcp/platform';
export type {
  GcpGpuNodePoolArgs,
  GcpNodePoolArgs,
  GcpPlatformArgs,
  GcpRegistryArgs,
} from '../platforms/gcp/args';
