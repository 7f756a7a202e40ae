export { AwsPlatform } from './platform';
export { awsGpuScheduling } from './scheduling';
export { GP3_STORAGE_CLASS } from './storage-class';
export { resolveAwsArgs } from './args';
export type {
  AwsPlatformArgs,
  AwsNodeGroupArgs,
  AwsEndpointAccessArgs,
  AwsRegistryArgs,
  AwsClusterAutoscalerArgs,
} from './args';
export { awsArgProblems } from './validate';
export { awsCostEstimate } from './cost';
