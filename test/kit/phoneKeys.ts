import type { PhoneKeys } from '../../src/domain/shared/ports.js';
import { HmacPhoneKeys } from '../../src/adapters/signatures/phoneKeys.js';

/** PHONE_KEY_SECRET of every test relay and fake world: tests only, never deployed. */
export const TEST_PHONE_KEY_SECRET = 'test-only-phone-key-secret-not-for-any-deployment';

/** Phone keys exactly as the app makes them: HmacPhoneKeys is pure, so the real one serves the fake world. */
export const testPhoneKeys: PhoneKeys = new HmacPhoneKeys(TEST_PHONE_KEY_SECRET);
