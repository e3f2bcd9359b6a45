import { request as httpRequest, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** A POST whose body the test writes piece by piece; `answer` settles when the response has ended. */
function streamingPost(base: string, path: string, secret: string): { req: ClientRequest; answer: Promise<Answer> } {
  const req = httpRequest(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.once('error', reject);
    });
  });
  return { req, answer };
}

const flushed = (req: ClientRequest, text: string) => new Promise<void>((resolve, reject) => req.write(text, (error) => (error ? reject(error) : resolve())));

// Every body being read shares the same listeners, which find their own read by the stream: bodies
// arriving interleaved on several connections must each end up whole, in their own request.
describe('request bodies read side by side', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ dialect: 'sqlite' });
    base = await h.listen();
  });
  afterAll(() => h.close());

  it('keeps bodies arriving in interleaved pieces apart', async () => {
    const names = ['Interleaved A', 'Interleaved B', 'Interleaved C'];
    const texts = names.map((name) => JSON.stringify({ data: { type: 'role', attributes: { name } } }));
    const posts = names.map(() => streamingPost(base, '/roles', h.adminSecret));
    const pieces = 4;
    for (let piece = 0; piece < pieces; piece++) {
      // Each round sends the next quarter of every body, the order of the bodies turning each time.
      for (let k = 0; k < posts.length; k++) {
        const i = (piece + k) % posts.length;
        const text = texts[i]!;
        const size = Math.ceil(text.length / pieces);
        await flushed(posts[i]!.req, text.slice(piece * size, (piece + 1) * size));
      }
    }
    for (const post of posts) post.req.end();
    const answers = await Promise.all(posts.map((post) => post.answer));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(answers.map((a) => (JSON.parse(a.body) as { data: { attributes: { name: string } } }).data.attributes.name)).toEqual(names);
  });

  it('answers a body cut off by the client without losing the next request', async () => {
    const cut = streamingPost(base, '/roles', h.adminSecret);
    cut.answer.catch(() => undefined); // the client side sees only its own reset
    await flushed(cut.req, '{"data": {"type": "role", "attr');
    cut.req.destroy();
    const res = await h.request('POST', '/roles', { token: h.adminSecret, body: { data: { type: 'role', attributes: { name: 'After the cut' } } } });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.attributes.name).toBe('After the cut');
  });
});
