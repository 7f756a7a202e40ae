export { GcpPlatform, REQUIRED_SERVICES } from './platform';
export { gcpGpuScheduling } from './scheduling';
export { resolveGcpArgs } from './args';
export type { GcpPlatformArgs, GcpNodePoolArgs, GcpGpuNodePoolArgs, GcpRegistryArgs } from './args';
export { gcpArgProblems } from './validate';
export { gcpCostEstimate } from './cost';
