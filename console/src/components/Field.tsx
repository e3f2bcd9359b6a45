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

export function Time(props: { iso: string | null; bucket?: string | null }) {
  if (props.iso === null) return <span>{props.bucket ?? 'never'}</span>;
  const exact = new Date(props.iso).toLocaleString();
  return (
    <time dateTime={props.iso} title={exact}>
      {props.bucket ?? exact}
    </time>
  );
}
