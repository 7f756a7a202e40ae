import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

/**
 * A kubeconfig whose credentials come from `gke-gcloud-auth-plugin` (the only auth GKE
 * supports for kubectl since 1.26), so it holds no token.
 */
export function gkeKubeconfig(cluster: gcp.container.Cluster): pulumi.Output<string> {
  return pulumi
    .all([cluster.name, cluster.location, cluster.project, cluster.endpoint, cluster.masterAuth])
    .apply(([name, location, project, endpoint, auth]) => {
      const context = `gke_${project}_${location}_${name}`;
      return JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: context,
            cluster: {
              server: `https://${endpoint}`,
              'certificate-authority-data': auth?.clusterCaCertificate,
            },
          },
        ],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        'current-context': context,
        users: [
          {
            name: context,
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1beta1',
                command: 'gke-gcloud-auth-plugin',
                installHint:
                  'Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin',
                provideClusterInfo: true,
                interactiveMode: 'IfAvailable',
              },
            },
          },
        ],
      });
    });
}
