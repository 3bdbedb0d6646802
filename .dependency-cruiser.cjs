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
      comment: 'One area module never reaches into another: what areas share (the notification log, the notifier, the job progress, closure) the composition root builds once and passes in.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'notifications-does-not-know-jobs',
      comment: 'Notifications report "settled" and receipts through their own listener ports (SettlementListener, ReceiptListener); the jobs area implements them (JobProgress). So knowledge goes one way: jobs use the notifications outbox, never the reverse.',
      severity: 'error',
      from: { path: '^src/domain/notifications/' },
      to: { path: '^src/domain/(jobs|payments|feedback|inbox|broadcasts)/' },
    },
    {
      name: 'jobs-use-notifications-through-the-outbox',
      comment: 'The jobs area announces job events, queries the log, repairs and listens; the send path, receipts and dead letters are the notifications area\'s own.',
      severity: 'error',
      from: { path: '^src/domain/jobs/' },
      to: { path: '^src/domain/notifications/(sendNotification|attempts|channelSender|sendWindow|retries|deferral|deliveryReceipts|deliveryLog|deadLetters)\\.ts$' },
    },
    {
      name: 'payments-know-only-closure',
      comment: 'A payment closes its job through the jobs area\'s Closure; payments never queue notifications themselves.',
      severity: 'error',
      from: { path: '^src/domain/payments/' },
      to: { path: '^src/domain/(notifications|feedback|inbox|broadcasts)/' },
    },
    {
      name: 'customers-do-not-know-jobs',
      comment: 'Customers are found by a job\'s columns (a structural type), so the customers area stays below jobs and notifications.',
      severity: 'error',
      from: { path: '^src/domain/customers/' },
      to: { path: '^src/domain/(jobs|notifications|payments|feedback)/' },
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
      name: 'benches-share-the-testkit-not-test-support',
      comment: 'Benches share test/kit with the tests; test/support drives the local host (dev/) for tests. Benches that measure the local host import dev/ directly. test/support/cli.ts (process helpers, no dev/ import) is the one exception.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/support/', pathNot: '^test/support/cli\\.ts$' },
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
