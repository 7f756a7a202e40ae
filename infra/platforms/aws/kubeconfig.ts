import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/**
 * A kubeconfig for the cluster that fetches short-lived tokens with `aws eks get-token`, so it
 * holds no credential and works for whoever runs Pulumi with AWS credentials.
 */
export function eksKubeconfig(cluster: aws.eks.Cluster, region: string): pulumi.Output<string> {
  return pulumi
    .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
    .apply(([name, endpoint, ca]) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name, cluster: { server: endpoint, 'certificate-authority-data': ca?.data } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        'current-context': name,
        users: [
          {
            name,
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1beta1',
                command: 'aws',
                args: [
                  'eks',
                  'get-token',
                  '--cluster-name',
                  name,
                  '--region',
                  region,
                  '--output',
                  'json',
                ],
                interactiveMode: 'Never',
              },
            },
          },
        ],
      }),
    );
}
