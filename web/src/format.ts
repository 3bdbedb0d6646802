/** Times in the shop's zone for people, with the UTC instant kept for `<time datetime>` and its title. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, withSeconds = false): Intl.DateTimeFormat {
  const key = `${timeZone}|${withSeconds}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
      timeZoneName: 'short',
    });
    formatters.set(key, found);
  }
  return found;
}

export function inZone(iso: string, timeZone: string, withSeconds = false): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatter(timeZone, withSeconds).format(date);
}

export function utcTitle(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
}

/** "3 d 4 h", "25 min", "just now": how long ago, in words a glance can take in. */
export function age(iso: string, now: number = Date.now()): string {
  const minutes = Math.floor((now - new Date(iso).getTime()) / 60_000);
  if (!Number.isFinite(minutes)) return '';
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return `${days} d ${hours % 24} h`;
}

const CHANNEL_NAMES: Readonly<Record<string, string>> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'Email' };

/** A channel as people write it: 'sms' → 'SMS'. */
export function channelName(channel: string): string {
  return CHANNEL_NAMES[channel] ?? words(channel);
}

/** Words for machine values: 'JOB COMPLETED' → 'Job completed', 'job-received' → 'Job received'. */
export function words(value: string): string {
  const spaced = value.replace(/[-_]+/g, ' ').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
