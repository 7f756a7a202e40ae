// The architecture, written down: `npm run lint` fails when an import breaks one of these rules.
// This graph counts type-only imports (a cycle of types is still a knot); what loads at run time
// is checked by .dependency-cruiser.runtime.cjs.
const PULUMI = '(^|/)node_modules/@pulumi/';
const rule = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    rule(
      'no-cycles',
      'Modules form layers: two that import each other are one.',
      {},
      {
        circular: true,
      },
    ),
    rule(
      'model-is-plain',
      'infra/model holds the plain types the layers share: it imports no layer and no Pulumi.',
      { path: '^infra/model/' },
      { path: [PULUMI, '^infra/(config|platforms|components|manifests|render)/', '^infra/[^/]+$'] },
    ),
    rule(
      'manifests-and-render-import-no-pulumi',
      'Plain functions that build Kubernetes objects for both pulumi up and render.',
      { path: '^infra/(manifests|render)/' },
      { path: PULUMI },
    ),
    rule(
      'only-the-program-reads-config',
      'Platforms, components and manifests take plain args; the program and render read config.',
      { path: '^infra/(platforms|components|manifests|model)/' },
      { path: ['^infra/config/', '^infra/config\\.ts$'] },
    ),
    rule(
      'workloads-are-cloud-agnostic',
      'A platform hands workloads a k8s.Provider and scheduling facts: no AWS, no GCP.',
      { path: '^infra/components/' },
      { path: `${PULUMI}(aws|gcp)/`, reachable: true },
    ),
    rule(
      'api-sees-only-engine-types',
      'Protocols know the engine interface, never a backend.',
      { path: '^inference/src/api/' },
      { path: '^inference/src/engine/', pathNot: '^inference/src/engine/types\\.ts$' },
    ),
    rule(
      'infra-knows-only-the-server-env',
      "infra names the server's variables through their type (inference/src/config.ts).",
      { path: '^infra/' },
      { path: '^inference/', pathNot: '^inference/src/config\\.ts$' },
    ),
    rule(
      'infra-loads-no-server-code',
      'The Pulumi program imports the server env as a type only.',
      { path: '^infra/' },
      { path: '^inference/', dependencyTypesNot: ['type-only'] },
    ),
    rule(
      'the-server-knows-no-infra',
      'The container does not ship infra/.',
      { path: '^inference/' },
      {
        path: '^infra/',
      },
    ),
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
  },
};
