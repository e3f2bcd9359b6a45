/**
 * @module
 * Environments, as DatoCMS has them: a project has one primary environment, `main`, and nothing
 * else (sandbox environments are not supported). A request that names another one, through
 * DatoCMS's `X-Environment` header, is refused with `INVALID_ENVIRONMENT` before anything is read
 * or written, so a script aimed at a sandbox never acts on the primary data.
 */
import { ApiProblem, notFound } from './errors.ts';
import type { Store } from './ports.ts';

export const PRIMARY_ENVIRONMENT = 'main';

export interface Environment {
  readonly id: string;
  readonly status: 'ready';
  readonly readOnlyMode: boolean;
  readonly createdAt: string;
  readonly lastDataChangeAt: string;
  readonly primary: boolean;
  readonly forkedFrom: string | null;
}

/** Echoed back in the refusal only when short: it is the caller's own input, not worth 16 KiB. */
const MAX_ECHOED_NAME = 100;

function unknownEnvironment(name: string): ApiProblem {
  return new ApiProblem('INVALID_ENVIRONMENT', {
    message: `This project has no environment named ${JSON.stringify(name.slice(0, MAX_ECHOED_NAME))}: its only environment is "${PRIMARY_ENVIRONMENT}"`,
    ...(name.length <= MAX_ECHOED_NAME ? { environment: name } : {}),
    primary_environment: PRIMARY_ENVIRONMENT,
  });
}

/**
 * The `X-Environment` header of a request: absent or `main` passes; anything else (another name,
 * an empty value, the header sent twice) throws `INVALID_ENVIRONMENT`.
 */
export function checkEnvironmentHeader(header: string | string[] | undefined): void {
  if (header === undefined || header === PRIMARY_ENVIRONMENT) return;
  throw unknownEnvironment(Array.isArray(header) ? header.join(', ') : header);
}

type EnvironmentPorts = Pick<Store, 'getSite' | 'lastDataChangeAt'>;

/** The primary environment: created with the project, changed whenever its data last was. */
export async function primaryEnvironment(store: EnvironmentPorts): Promise<Environment> {
  const [site, lastChange] = await Promise.all([store.getSite(), store.lastDataChangeAt()]);
  // Unreachable once the server serves: the site row is written when the project is set up.
  if (!site) throw new Error('the project is not initialised');
  return {
    id: PRIMARY_ENVIRONMENT,
    status: 'ready',
    readOnlyMode: false,
    createdAt: site.createdAt,
    lastDataChangeAt: lastChange ?? site.updatedAt,
    primary: true,
    forkedFrom: null,
  };
}

export async function listEnvironments(store: EnvironmentPorts): Promise<Environment[]> {
  return [await primaryEnvironment(store)];
}

export async function findEnvironment(store: EnvironmentPorts, id: string): Promise<Environment> {
  if (id !== PRIMARY_ENVIRONMENT) throw notFound('environment', id);
  return primaryEnvironment(store);
}
