import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import type { RegistryTarget } from '../../platforms/types';

/** The repository root: the build context of both Dockerfiles. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CPU_DOCKERFILE = 'docker/Dockerfile';
export const CUDA_DOCKERFILE = 'docker/Dockerfile.cuda';
export const IMAGE_PLATFORM = 'linux/amd64';

export interface ImageArgs {
  registry: RegistryTarget;
  /** Build the CUDA image (the stack requests GPUs). */
  cuda: boolean;
  /** Tag pushed alongside the digest; the stack name keeps stacks from moving each other's tags. */
  tag: string;
}

/**
 * Builds the inference server image and pushes it. `@pulumi/docker`'s Image rebuilds only when
 * the build context's content hash changes, so an unchanged tree keeps its digest and the
 * Deployment, which uses the digest, does not roll.
 */
export class Image extends pulumi.ComponentResource {
  /** `repository@sha256:...`: what workloads run. */
  readonly ref: pulumi.Output<string>;
  /** `sha256:...` alone. */
  readonly digest: pulumi.Output<string>;

  constructor(name: string, args: ImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('llm-deploy:image:Image', name, {}, opts);
    const dockerfile = args.cuda ? CUDA_DOCKERFILE : CPU_DOCKERFILE;
    const image = new docker.Image(
      `${name}-build`,
      {
        imageName: pulumi.interpolate`${args.registry.repository}:${args.tag}`,
        build: {
          context: REPOSITORY_ROOT,
          dockerfile: path.join(REPOSITORY_ROOT, dockerfile),
          platform: IMAGE_PLATFORM,
        },
        registry: {
          server: args.registry.server,
          username: args.registry.username,
          password: pulumi.secret(args.registry.password),
        },
      },
      { parent: this },
    );
    this.ref = image.repoDigest;
    this.digest = image.repoDigest.apply((ref) => ref.slice(ref.indexOf('@') + 1));
    this.registerOutputs({ ref: this.ref, digest: this.digest });
  }
}
