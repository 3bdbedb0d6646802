import type { ComponentChildren } from 'preact';
import { navigate } from '../router';

/**
 * A filter form whose fields are the query string: submitting puts the named fields' values in the
 * URL (first page again), "Clear" empties them. Works with Enter in any field. The form is keyed by
 * the query string, so its fields start from the URL again after each navigation.
 */
export function Filters({ label, children }: { label: string; children: ComponentChildren }) {
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const search = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (typeof value === 'string' && value.trim() !== '') search.set(key, value.trim());
    const text = search.toString();
    navigate(`${window.location.pathname}${text === '' ? '' : `?${text}`}`);
  };
  const clear = () => navigate(window.location.pathname);
  return (
    <form key={window.location.search} class="filters" role="search" aria-label={label} onSubmit={submit}>
      {children}
      <div class="filter-actions">
        <button type="submit" class="primary">
          Apply
        </button>
        <button type="button" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}

export function TextFilter({ name, label, value, hint, type = 'text', inputMode }: { name: string; label: string; value: string | null; hint?: string; type?: 'text' | 'date'; inputMode?: 'numeric' }) {
  const hintId = hint ? `${name}-hint` : undefined;
  return (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      {type === 'date' ? (
        <input id={`filter-${name}`} name={name} type="date" defaultValue={value ?? ''} />
      ) : (
        <input id={`filter-${name}`} name={name} type="text" defaultValue={value ?? ''} inputMode={inputMode} {...(hintId ? { 'aria-describedby': hintId } : {})} />
      )}
      {hint && (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      )}
    </div>
  );
}

export function SelectFilter({ name, label, value, options }: { name: string; label: string; value: string | null; options: ReadonlyArray<readonly [string, string]> }) {
  return (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} name={name}>
        <option value="" selected={!value}>
          Any
        </option>
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue} selected={optionValue === value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
