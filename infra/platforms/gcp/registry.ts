import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { RegistryTarget } from '../types';
import type { GcpRegistryArgs } from './args';

const DAY_SECONDS = 86_400;

/** Delete untagged images after some days and tagged ones beyond the newest few. */
export function cleanupPolicies(args: Required<GcpRegistryArgs>) {
  return [
    {
      id: 'delete-untagged',
      action: 'DELETE',
      condition: { tagState: 'UNTAGGED', olderThan: `${args.untaggedExpiryDays * DAY_SECONDS}s` },
    },
    {
      id: 'delete-old-tagged',
      action: 'DELETE',
      condition: { tagState: 'TAGGED', olderThan: `${DAY_SECONDS}s` },
    },
    // KEEP wins over DELETE: the newest tagged images stay.
    { id: 'keep-newest', action: 'KEEP', mostRecentVersions: { keepCount: args.keepTaggedImages } },
  ];
}

export interface GcpRegistryInputs {
  region: string;
  nodeServiceAccountEmail: pulumi.Input<string>;
}

/**
 * An Artifact Registry Docker repository with immutable tags and cleanup. Pushes authenticate
 * with the deployer's access token; nodes pull as their service account (reader on this
 * repository only).
 */
export function createArtifactRegistry(
  name: string,
  args: Required<GcpRegistryArgs>,
  inputs: GcpRegistryInputs,
  opts: pulumi.CustomResourceOptions,
): { repository: gcp.artifactregistry.Repository; target: RegistryTarget } {
  const repository = new gcp.artifactregistry.Repository(
    `${name}-repo`,
    {
      repositoryId: args.repositoryId,
      location: inputs.region,
      format: 'DOCKER',
      description: 'llm-deploy inference images',
      dockerConfig: { immutableTags: true },
      cleanupPolicies: cleanupPolicies(args),
      cleanupPolicyDryRun: false,
    },
    opts,
  );
  new gcp.artifactregistry.RepositoryIamMember(
    `${name}-repo-node-reader`,
    {
      repository: repository.name,
      location: inputs.region,
      role: 'roles/artifactregistry.reader',
      member: pulumi.interpolate`serviceAccount:${inputs.nodeServiceAccountEmail}`,
    },
    { ...opts, parent: repository },
  );
  const server = `${inputs.region}-docker.pkg.dev`;
  const client = gcp.organizations.getClientConfigOutput({
    parent: repository,
    provider: opts.provider,
  });
  return {
    repository,
    target: {
      server,
      repository: pulumi.interpolate`${repository.registryUri}/llm-deploy`,
      username: 'oauth2accesstoken',
      password: pulumi.secret(client.accessToken),
    },
  };
}
