// The import rules ARCHITECTURE.md states: no cycles, one-way package dependencies, no reaching
// into another package's src/.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles at run time (a cycle made only of `import type` is erased by the compiler)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-deep-imports',
      comment: 'import another package by its name, never its files',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/', pathNot: ['^packages/$1/', '^packages/[^/]+/src/(index|testing|testing/index)\\.ts$'] },
    },
    { name: 'client-not-broker', severity: 'error', from: { path: '^packages/client/' }, to: { path: '(^packages/(broker|storage|controller)/|@samsa/(broker|storage|controller))' } },
    { name: 'storage-no-network', severity: 'error', from: { path: '^packages/storage/' }, to: { path: '(@grpc/grpc-js|^packages/(broker|client|controller|cli)/)' } },
    {
      name: 'raft-core-is-pure',
      comment: 'the Raft core reads no clock, opens no socket, imports nothing but its own core files',
      severity: 'error',
      from: { path: '^packages/raft/src/core/' },
      to: { pathNot: '^packages/raft/src/core/' },
    },
    { name: 'raft-knows-no-topics', severity: 'error', from: { path: '^packages/raft/' }, to: { path: '^packages/(storage|controller|broker|client|cli)/' } },
    { name: 'protocol-is-a-leaf', severity: 'error', from: { path: '^packages/protocol/' }, to: { path: '^packages/(?!protocol/)' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(/dist/|\\.test\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['@samsa/source', 'import', 'default'] },
  },
};
