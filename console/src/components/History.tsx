import { api, query, type Resource } from '../api.ts';
import type { AuditAttributes } from '../types.ts';
import { useLoad } from '../useLoad.ts';
import { Time } from './Field.tsx';

/** Audit events; with `subject` only those about one record (a token's history). */
export function History(props: { subjectType: string; subjectId: string; unavailable: string | null; round: number }) {
  const [events] = useLoad(
    async () =>
      props.unavailable
        ? []
        : (
            await api<Resource<AuditAttributes>[]>(
              'GET',
              `/audit_log_events${query({ 'filter[subject_type]': props.subjectType, 'filter[subject_id]': props.subjectId, 'page[limit]': 50 })}`,
            )
          ).data,
    `${props.subjectId}:${props.round}`,
  );
  return (
    <section aria-labelledby="history-title" class="card">
      <h2 id="history-title">History</h2>
      {props.unavailable && <p class="unavailable">{props.unavailable}</p>}
      {events.state === 'error' && <p class="field-error">{events.message}</p>}
      {events.state === 'ready' && events.value.length === 0 && !props.unavailable && <p class="hint">No recorded changes.</p>}
      {events.state === 'ready' && events.value.length > 0 && (
        <ol class="history">
          {events.value.map((event) => (
            <li key={event.id}>
              <Time iso={event.attributes.occurred_at} /> — <strong>{event.attributes.action}</strong> by {event.attributes.actor_type}
              {event.attributes.actor_id ? ` #${event.attributes.actor_id}` : ''}
              {event.attributes.client_ip ? ` from ${event.attributes.client_ip}` : ''}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
