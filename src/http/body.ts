/**
 * @module
 * Request bodies: read with the size limit enforced in a way every client can see, parsed as JSON
 * with prototype poisoning refused, and measured for depth before anything recursive sees them.
 *
 * Answering 413 the moment a body passes the limit and closing the connection is what Fastify
 * does by itself, and it reaches no client that streams its body: Node's `fetch` (and so the
 * official DatoCMS client) is still writing when the socket closes and reports `EPIPE` instead of
 * the response. So an over-limit body is read to its end and discarded — up to a bound, past which
 * the connection is not worth keeping — and only then answered.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiProblem } from '../core/errors.ts';
import { assertJsonDepth } from './json-depth.ts';

export interface BodyLimits {
  readonly maxBytes: number;
  /** How much of an over-limit body is read and discarded so that the client receives the 413. */
  readonly drainBytes: number;
}

/** Discards up to 16 MiB (or four times the limit, if larger) of an over-limit body. */
export function bodyLimits(maxBytes: number): BodyLimits {
  return { maxBytes, drainBytes: Math.max(16 * 1024 * 1024, 4 * maxBytes) };
}

function tooLarge(limits: BodyLimits): ApiProblem {
  return new ApiProblem('REQUEST_TOO_LARGE', { max_bytes: limits.maxBytes, message: `The request body is larger than ${limits.maxBytes} bytes` });
}

/** What one body read has received so far, and how it ends. */
interface BodyRead {
  readonly limits: BodyLimits;
  readonly chunks: Buffer[];
  received: number;
  readonly resolve: (text: string) => void;
  readonly reject: (error: ApiProblem) => void;
}

// The listeners are shared by every request (a listener's `this` is the stream it listens to) and
// find their read's state here: a set of closures per body was measurable on a single read.
const reads = new WeakMap<IncomingMessage, BodyRead>();

function stop(payload: IncomingMessage): BodyRead | undefined {
  payload.off('data', onData);
  payload.off('end', onEnd);
  payload.off('error', onAbort);
  payload.off('close', onAbort);
  const read = reads.get(payload);
  reads.delete(payload);
  return read;
}

function onData(this: IncomingMessage, chunk: Buffer): void {
  const read = reads.get(this);
  if (read === undefined) return;
  read.received += chunk.length;
  if (read.received > read.limits.drainBytes) {
    stop(this);
    read.reject(tooLarge(read.limits));
  } else if (read.received <= read.limits.maxBytes) read.chunks.push(chunk);
  else read.chunks.length = 0;
}

function onEnd(this: IncomingMessage): void {
  const read = stop(this);
  if (read === undefined) return;
  if (read.received > read.limits.maxBytes) read.reject(tooLarge(read.limits));
  else read.resolve(Buffer.concat(read.chunks, read.received).toString('utf8'));
}

function onAbort(this: IncomingMessage): void {
  stop(this)?.reject(new ApiProblem('MALFORMED_REQUEST', { message: 'The request body ended before it was complete' }));
}

/** The whole body as UTF-8 text, or REQUEST_TOO_LARGE once the rest of an over-limit body is drained. */
export function readBodyText(payload: IncomingMessage, limits: BodyLimits): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(payload.headers['content-length']);
    // A body announced beyond the drain bound is refused at once: reading it would cost more
    // than the client's convenience is worth, and the connection closes after the answer.
    if (declared > limits.drainBytes) return reject(tooLarge(limits));
    reads.set(payload, { limits, chunks: [], received: 0, resolve, reject });
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onAbort);
    payload.on('close', onAbort);
  });
}

/**
 * A content-type parser for JSON bodies: an empty body is no body (the official client sends a
 * JSON content type with regenerate and duplicate), anything else must be JSON no deeper than
 * the documented limit.
 */
export function jsonBodyParser(app: FastifyInstance, maxBytes: number) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const limits = bodyLimits(maxBytes);
  return async (request: FastifyRequest, payload: IncomingMessage): Promise<unknown> => {
    const text = await readBodyText(payload, limits);
    if (text.trim() === '') return undefined;
    // Fastify's JSON parser answers synchronously; its result is taken as it comes, without a promise.
    let outcome: { readonly error: Error } | { readonly value: unknown } | null = null;
    parseJson(request, text, (error, parsed) => {
      outcome = error ? { error } : { value: parsed };
    });
    const parsed = outcome as { readonly error: Error } | { readonly value: unknown } | null;
    if (parsed === null) throw new Error('the JSON parser did not answer synchronously');
    if ('error' in parsed) throw parsed.error;
    assertJsonDepth(parsed.value);
    return parsed.value;
  };
}
