import { post } from '../api';
import { ActionButton } from './Action';

/** Resend a failed or skipped message; the server answers 409 to a second one on its way. */
export function ResendButton({ notificationId, done }: { notificationId: string; done: () => void }) {
  return (
    <ActionButton
      run={() => post<{ notificationId: string }>(`/api/staff/messages/${encodeURIComponent(notificationId)}/resend`)}
      said={(result) => `Resend queued as ${result.notificationId}.`}
      done={done}
      label={`Resend ${notificationId}`}
    >
      Resend
    </ActionButton>
  );
}

export const RESENDABLE = new Set(['failed', 'skipped']);
