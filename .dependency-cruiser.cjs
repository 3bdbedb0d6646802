/**
 * The layering rules (README, Architecture). `npm run lint:deps` checks them; `npm test` runs it.
 * src/domain holds the rules: no I/O library, no adapter, function, composition root or dev code.
 * src/adapters implement ports and import no function; nothing in src imports dev code.
 * test/kit, shared by tests and benches, imports no dev code either.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports only other domain modules and pure libraries (zod, libphonenumber-js, node:crypto, node:util).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/', dependencyTypesNot: ['npm', 'core'] },
    },
    {
      name: 'domain-uses-no-io-library',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: ['(^|/)node_modules/(@azure|@vonage|@vercel|mysql2|umzug|nodemailer|smtp-server|stripe|croner)/', '^(fs|net|http|https|dgram|dns|child_process|tls|worker_threads|cluster|timers)$'] },
    },
    {
      name: 'adapters-import-no-functions',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(functions/|compositionRoot)' },
    },
    {
      name: 'app-imports-no-dev-code',
      comment: 'The deployed app (src) never depends on the local host, sandboxes or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(dev|scripts|test|bench)/' },
    },
    {
      name: 'testkit-imports-no-dev-code',
      comment: 'test/kit is what tests and benches share: it stands on src and libraries only. Helpers that drive the local host (dev/) live in test/support.',
      severity: 'error',
      from: { path: '^test/kit/' },
      to: { path: '^dev/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
