/** `llm-deploy/edge`: the inference server on one Docker host (needs `@pulumi/docker`). */
export { EdgeService } from '../components/edge-service/service';
export type {
  EdgeImageBuild,
  EdgeImagePull,
  EdgeServiceArgs,
} from '../components/edge-service/args';
