import * as fs from 'fs';
import * as path from 'path';
import { stringify, parse } from 'yaml';
import { parseStackConfig, projectKeys } from '../config/parse';
import type { StackConfig } from '../config/stack-config';
import {
  planInferenceObjects,
  planMonitoringObjects,
  secretReferences,
  type InferenceSpec,
  type KubeObject,
} from '../manifests';
import { awsGpuScheduling } from '../platforms/aws/scheduling';
import { GP3_STORAGE_CLASS } from '../platforms/aws/storage-class';
import { gcpGpuScheduling } from '../platforms/gcp/scheduling';
import { onPremGpuScheduling } from '../platforms/onprem/scheduling';

/** A render request that cannot be served: one line, what was wrong and how to fix it. */
export class RenderError extends Error {
  override name = 'RenderError';
}

export interface RenderOptions {
  /** Path of the stack file, e.g. Pulumi.prod.yaml. */
  stackFile: string;
  /** Image pinned by digest; defaults to the stack's llm-deploy:image. */
  image?: string;
}

/** File name -> YAML text, in apply order, plus a kustomization.yaml listing them. */
export type RenderedFiles = Map<string, string>;

/**
 * The Kubernetes manifests of a stack's InferenceService, from the same manifest functions the
 * Pulumi component uses, without the Pulumi CLI. Secrets are referenced by name, never inlined.
 */
export function renderStack(options: RenderOptions): RenderedFiles {
  if (!fs.existsSync(options.stackFile)) {
    throw new RenderError(
      `stack file ${options.stackFile} does not exist; pass --stack <name> for Pulumi.<name>.yaml, or --stack-file <path>`,
    );
  }
  const document = (parse(fs.readFileSync(options.stackFile, 'utf8')) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const config = parseStackConfig(projectKeys(document.config ?? {}), 'render');
  const image = options.image ?? config.prebuiltImage;
  if (!image)
    throw new RenderError(
      'no image to render: pass --image registry/repo@sha256:<digest> or set llm-deploy:image in the stack',
    );
  if (!/^[^\s@]+@sha256:[0-9a-f]{64}$/.test(image))
    throw new RenderError(
      `--image ${image} is not pinned by digest; use registry/repo@sha256:<64 hex digits>`,
    );
  const spec = inferenceSpecFor(config, image);
  // With the Prometheus add-on, the stack also provisions the dashboard and the alert rules.
  return toFiles([...planInferenceObjects(spec), ...planMonitoringObjects(config.addons)], spec);
}

/** GPU scheduling, StorageClass and pull credentials of the stack's platform, from config alone. */
function platformFacts(
  config: StackConfig,
): Pick<InferenceSpec, 'gpu' | 'storageClassName' | 'pullSecret'> {
  switch (config.target) {
    case 'onprem': {
      const onprem = config.onprem!;
      return {
        gpu: onPremGpuScheduling(onprem),
        ...(onprem.storageClass ? { storageClassName: onprem.storageClass } : {}),
        pullSecret: true,
      };
    }
    // The clusters llm-deploy makes pull with their nodes' identity: no pull Secret.
    case 'aws':
      return { gpu: awsGpuScheduling(), storageClassName: GP3_STORAGE_CLASS, pullSecret: false };
    case 'gcp':
      return { gpu: gcpGpuScheduling(config.gcp!.gpuNodes.accelerator.type), pullSecret: false };
    case 'edge':
      throw new RenderError(
        'llm-deploy:target = edge: an edge stack is one container on a Docker host, with no Kubernetes objects to render; render an onprem, aws or gcp stack',
      );
  }
}

function inferenceSpecFor(config: StackConfig, image: string): InferenceSpec {
  return { service: config.service, image, ...platformFacts(config), managedBy: 'gitops' };
}

function toFiles(objects: KubeObject[], spec: InferenceSpec): RenderedFiles {
  const files: RenderedFiles = new Map();
  objects.forEach((object, i) => {
    const name = `${String(i + 1).padStart(2, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
    files.set(name, toYaml(object));
  });
  const secrets = secretReferences(spec)
    .map(
      (s) =>
        `#   ${s.name} (type ${s.type}) in namespace ${spec.service.namespace}, keys: ${s.keys.join(', ')}`,
    )
    .join('\n');
  const header = secrets
    ? `# Rendered by llm-deploy. Create these Secrets before applying (Sealed Secrets, External\n# Secrets, SOPS); their values are never rendered:\n${secrets}\n`
    : '# Rendered by llm-deploy.\n';
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...files.keys()],
  };
  files.set('kustomization.yaml', header + toYaml(kustomization));
  return files;
}

/**
 * YAML as Kubernetes tools read it: their parsers follow YAML 1.1, where `off`, `on`, `yes` and
 * `no` are booleans, so strings like those are quoted.
 */
function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, version: '1.1' });
}

const OWNED_FILE = /^(\d\d-[a-z]+-[a-z0-9-]+\.yaml|kustomization\.yaml)$/;

/** Writes the files, first removing what an earlier render left there (and nothing else). */
export function writeRendered(files: RenderedFiles, outDir: string): void {
  fs.mkdirSync(outDir, { recursive: true });
  for (const existing of fs.readdirSync(outDir)) {
    if (OWNED_FILE.test(existing)) fs.rmSync(path.join(outDir, existing));
  }
  for (const [name, text] of files) fs.writeFileSync(path.join(outDir, name), text);
}
