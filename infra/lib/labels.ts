/** Labels per the Kubernetes recommended-labels convention (`app.kubernetes.io/*`). */

export const APP_NAME = 'llm-deploy';
export const COMPONENT = 'inference-server';

/** Who applies the objects: Pulumi, or a GitOps tool reading rendered YAML. */
export type ManagedBy = 'pulumi' | 'gitops';

/** The immutable subset a Deployment selects its pods by. */
export function selectorLabels(instance: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': APP_NAME,
    'app.kubernetes.io/instance': instance,
  };
}

/**
 * Labels on every object of a service. The image version is deliberately absent: it would change
 * every object on each release, where only the Deployment should change.
 */
export function commonLabels(instance: string, managedBy: ManagedBy): Record<string, string> {
  return {
    ...selectorLabels(instance),
    'app.kubernetes.io/component': COMPONENT,
    'app.kubernetes.io/part-of': APP_NAME,
    'app.kubernetes.io/managed-by': managedBy === 'pulumi' ? 'pulumi' : 'llm-deploy-render',
  };
}
