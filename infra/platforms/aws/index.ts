export { AwsPlatform } from './platform';
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
