import type { ComponentChildren } from 'preact';

/** A form row with its refusal, if any, right under it (announced to screen readers). */
export function FieldError(props: { id: string; message: string | undefined }) {
  if (!props.message) return null;
  return (
    <p class="field-error" id={props.id} role="alert">
      {props.message}
    </p>
  );
}

export function Unavailable(props: { why: string | null; children?: ComponentChildren }) {
  if (!props.why) return null;
  return <p class="unavailable">{props.children ?? props.why}</p>;
}

// One formatter for every timestamp: `toLocaleString` builds a new one per call, which dominated
// the rendering of a thousand-token table.
const EXACT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function Time(props: { iso: string | null; bucket?: string | null }) {
  if (props.iso === null) return <span>{props.bucket ?? 'never'}</span>;
  const exact = EXACT.format(new Date(props.iso));
  return (
    <time dateTime={props.iso} title={exact}>
      {props.bucket ?? exact}
    </time>
  );
}
