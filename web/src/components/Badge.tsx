import { words } from '../format';

/** A status or outcome in words; the colour only repeats what the words say. */
export function Badge({ value }: { value: string }) {
  const tone = value.toLowerCase().replace(/[^a-z]+/g, '-');
  return <span class={`badge badge-${tone}`}>{words(value)}</span>;
}
