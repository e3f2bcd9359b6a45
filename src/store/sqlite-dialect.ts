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
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

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
}
