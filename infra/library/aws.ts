/** `llm-deploy/aws`: an EKS cluster ready for GPU inference (needs `@pulumi/aws`). */
export { AwsPlatform } from '../platforms/aws/platform';
export type {
  AwsClusterAutoscalerArgs,
  AwsEndpointAccessArgs,
  AwsNodeGroupArgs,
  AwsPlatformArgs,
  AwsRegistryArgs,
} from '../platforms/aws/args';
