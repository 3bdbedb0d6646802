/**
 * The layering rules (README, Architecture). `npm run lint:deps` checks them; `npm test` runs it.
 * src/domain holds the rules: no I/O library, no adapter, function, composition root or dev code.
 * src/adapters implement ports and import no function; nothing in src imports dev code.
 * src/modules wire one area each, for the composition root only, over src/infrastructure.ts.
 * test/kit, shared by tests and benches, imports no dev code either.
 * web/ (the staff console, bundled for browsers) imports no server code but the shared schemas.
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
      to: { path: '^src/(functions/|compositionRoot|processRelay|infrastructure|modules/)' },
    },
    {
      name: 'area-modules-only-from-root',
      comment: 'An area module (src/modules/<area>.ts) wires one area for the composition root; nothing else in the app builds use cases.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(compositionRoot\\.ts$|modules/)' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'area-modules-are-independent',
      comment: 'Areas share only the stores a job moves through (jobStores); one area module never reaches into another.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/modules/', pathNot: '^src/modules/jobStores\\.ts$' },
    },
    {
      name: 'infrastructure-only-for-wiring',
      comment: 'Pools and clients are handed out by the composition root and the area modules, never reached from a function or use case.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(compositionRoot\\.ts$|modules/|infrastructure\\.ts$)' },
      to: { path: '^src/infrastructure\\.ts$' },
    },
    {
      name: 'app-imports-no-dev-code',
      comment: 'The deployed app (src) never depends on the local host, sandboxes or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(dev|scripts|test|bench|web)/' },
    },
    {
      name: 'web-imports-only-shared-schemas',
      comment: 'The staff console (web/) is bundled for browsers: of the app it may use only src/domain/shared (shared schemas), never server, dev or test code.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(src|dev|scripts|test|bench)/', pathNot: '^src/domain/shared/' },
    },
    {
      name: 'web-uses-no-node-module',
      comment: 'Browsers have no node: modules.',
      severity: 'error',
      from: { path: '^web/' },
      to: { dependencyTypes: ['core'] },
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
