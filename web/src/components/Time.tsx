import { useConsole } from '../context';
import { age, inZone, utcTitle } from '../format';

/** An instant in the shop's time zone, the UTC instant in `datetime` and on hover. */
export function Time({ at, zone, seconds = false }: { at: string | null | undefined; zone?: string | null; seconds?: boolean }) {
  const { me } = useConsole();
  if (!at) return <span>—</span>;
  return (
    <time dateTime={at} title={utcTitle(at)}>
      {inZone(at, zone ?? me.shop.timeZone, seconds)}
    </time>
  );
}

/** "12 min ago" beside a time, for ages and waiting times. */
export function Age({ since, label }: { since: string; label: string }) {
  return (
    <span class="age">
      {label} {age(since)}
    </span>
  );
}
