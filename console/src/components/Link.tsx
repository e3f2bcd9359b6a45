import type { ComponentChildren } from 'preact';
import { BASE, onLinkClick } from '../router.ts';

export function Link(props: { to: string; children: ComponentChildren; current?: boolean; class?: string }) {
  return (
    <a href={`${BASE}${props.to}`} class={props.class} aria-current={props.current ? 'page' : undefined} onClick={(event) => onLinkClick(event, props.to)}>
      {props.children}
    </a>
  );
}
