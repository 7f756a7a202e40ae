/** The StorageClass for EBS volumes the model-cache PVC binds to. */
export const GP3_STORAGE_CLASS = 'gp3';

/**
 * Encrypted gp3 volumes from the EBS CSI driver, bound where the pod lands (an EBS volume lives
 * in one zone) and growable in place.
 */
export function toGp3StorageClass() {
  return {
    apiVersion: 'storage.k8s.io/v1' as const,
    kind: 'StorageClass' as const,
    metadata: {
      name: GP3_STORAGE_CLASS,
      labels: {
        'app.kubernetes.io/managed-by': 'pulumi',
        'app.kubernetes.io/part-of': 'llm-deploy',
      },
    },
    provisioner: 'ebs.csi.aws.com',
    parameters: { type: 'gp3', encrypted: 'true' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  };
}
