/**
 * @module
 * SQLite with write transactions that take the write lock when they begin. Kysely's dialect opens
 * transactions with a plain (deferred) `BEGIN`: such a transaction reads first and asks for the
 * write lock only at its first write, and if another connection (the offline CLI, a second
 * process on the same file) wrote in between, SQLite cannot wait for the lock without breaking
 * the snapshot, so it fails at once with SQLITE_BUSY whatever the busy timeout. `BEGIN IMMEDIATE`
 * takes the lock up front, waiting up to the busy timeout, so every transaction runs in full
 * isolation from every other writer: the serial order is the order they begin.
 */
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * SQLite does run DDL inside transactions; Kysely's adapter says it doesn't, so its migrator
 * would apply migrations statement by statement with no lock at all (SQLite's migration lock is a
 * no-op), and two processes starting together on a new file would both create the same tables.
 * Declared transactional, every migration run is one `BEGIN IMMEDIATE` transaction: the second
 * process waits, then finds nothing left to do.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
