import type { CustomerRef } from '../types';

/** A customer as staff may see them: the name and the mobile's last digits only, never the whole number. */
export function Customer({ customer, fallback = 'No customer' }: { customer: CustomerRef | null; fallback?: string }) {
  if (!customer) return <span class="muted">{fallback}</span>;
  return (
    <span>
      {customer.name}
      {customer.mobileLast4 && (
        <span class="muted">
          {' '}
          · mobile ending <span class="digits">{customer.mobileLast4}</span>
        </span>
      )}
    </span>
  );
}
