import { installFunctionsCore } from '../../dev/functionsCore.js';

/**
 * The Functions worker hands `@azure/functions` a module named `@azure/functions-core`; the tests
 * get the same capturing core as `npm start` (dev/functionsCore.ts), so the app's real
 * registrations are recorded instead of being dropped by the library's test mode.
 */
installFunctionsCore();
