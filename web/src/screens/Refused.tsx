import { SIGN_IN_URL } from '../api';

/** What a 401 or a 403 from the API shows in place of the console. */
export function Refused({ why }: { why: 'sign-in' | 'role' }) {
  return (
    <main id="main" class="refused" tabIndex={-1}>
      {why === 'sign-in' ? (
        <>
          <h1>Sign in to the Repair Relay console</h1>
          <p>The console is for the shop's staff. Sign in with your work account to continue.</p>
          <p>
            <a class="button primary" href={SIGN_IN_URL}>
              Sign in
            </a>
          </p>
        </>
      ) : (
        <>
          <h1>You need the staff or owner role</h1>
          <p>You are signed in, but your account has neither the staff nor the owner role for this console. Ask the shop's owner to give you one, then reload this page.</p>
        </>
      )}
    </main>
  );
}
