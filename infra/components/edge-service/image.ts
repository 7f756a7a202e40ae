import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { ResolvedEdgeArgs } from './args';

/** The local image the container runs, by id, so a rebuild or a new pull replaces it. */
export interface EdgeImage {
  resource: docker.Image | docker.RemoteImage;
  /** Image id on the host (`sha256:...`). */
  imageId: pulumi.Output<string>;
  /** What the image is called: the local tag built, or the reference pulled. */
  ref: pulumi.Output<string>;
}

/**
 * Builds the image on the Docker host (the context is streamed to it, so an `ssh://` host
 * builds for its own architecture), or pulls a published one.
 */
export function edgeImage(
  name: string,
  args: ResolvedEdgeArgs,
  opts: pulumi.CustomResourceOptions,
): EdgeImage {
  if ('pull' in args.image) {
    const pulled = new docker.RemoteImage(
      `${name}-image`,
      { name: args.image.pull.ref, platform: args.image.pull.platform, keepLocally: true },
      opts,
    );
    return { resource: pulled, imageId: pulled.imageId, ref: pulled.name };
  }
  const build = args.image.build;
  const built = new docker.Image(
    `${name}-image`,
    {
      imageName: `llm-deploy/${args.containerName}:local`,
      build: {
        context: build.context,
        dockerfile: build.dockerfile,
        platform: build.platform,
        args: build.buildArgs,
      },
      skipPush: true,
    },
    opts,
  );
  // For an image that is not pushed, repoDigest is the local image id.
  return { resource: built, imageId: built.repoDigest, ref: built.imageName };
}
