/**
 * Property tests draw new inputs on every local run, to keep exploring. With
 * `LATCHKEY_PROPERTY_SEED` set (CI sets it), every `fc.assert` replays that seed instead, so a
 * landing is judged on the same inputs every time; a failure prints its seed and path either way.
 */
import fc from 'fast-check';

const seed = process.env.LATCHKEY_PROPERTY_SEED;
if (seed !== undefined && seed !== '') {
  const value = Number(seed);
  if (!Number.isSafeInteger(value)) throw new Error(`LATCHKEY_PROPERTY_SEED must be an integer, got ${JSON.stringify(seed)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: value });
}
