import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { RegistryTarget } from '../types';
import type { AwsRegistryArgs } from './args';

/** ECR lifecycle rules: untagged layers expire after some days, old tagged images by count. */
export function lifecyclePolicy(args: Required<AwsRegistryArgs>): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${args.untaggedExpiryDays} days`,
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: args.untaggedExpiryDays,
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${args.keepTaggedImages} tagged images`,
        selection: {
          tagStatus: 'any',
          countType: 'imageCountMoreThan',
          countNumber: args.keepTaggedImages,
        },
        action: { type: 'expire' },
      },
    ],
  });
}

export interface Registry {
  repository: aws.ecr.Repository;
  target: RegistryTarget;
}

/**
 * The ECR repository images are pushed to: scanned on push, tags immutable (each build pushes
 * a new tag), and a push credential from a 12-hour ECR token. Nodes pull with their own role.
 */
export function createRegistry(
  name: string,
  args: Required<AwsRegistryArgs>,
  opts: pulumi.CustomResourceOptions,
): Registry {
  const repository = new aws.ecr.Repository(
    `${name}-repo`,
    {
      name: args.repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: 'KMS' }],
      forceDelete: args.forceDelete,
    },
    opts,
  );
  new aws.ecr.LifecyclePolicy(
    `${name}-repo-lifecycle`,
    { repository: repository.name, policy: lifecyclePolicy(args) },
    { ...opts, parent: repository },
  );
  const token = aws.ecr.getAuthorizationTokenOutput(
    { registryId: repository.registryId },
    { parent: repository, provider: opts.provider },
  );
  return {
    repository,
    target: {
      server: repository.repositoryUrl.apply((url) => url?.split('/')[0] ?? ''),
      repository: repository.repositoryUrl,
      username: token.userName,
      password: pulumi.secret(token.password),
    },
  };
}
