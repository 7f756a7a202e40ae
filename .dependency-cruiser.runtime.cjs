// What loads at run time (type-only imports erased): `npm run render` and the manifests run
// without the Pulumi SDKs. The architecture's other rules are in .dependency-cruiser.cjs.
module.exports = {
  forbidden: [
    {
      name: 'render-loads-no-pulumi',
      comment: 'render writes YAML for GitOps tools without the Pulumi CLI, its plugins or SDKs.',
      severity: 'error',
      from: { path: '^infra/(manifests|render)/' },
      to: { path: '(^|/)node_modules/@pulumi/', reachable: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: false,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
  },
};
