package io.syncline.store.jdbc;

import io.syncline.spi.ApplyResult;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.FeedPage;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncStore;
import io.syncline.spi.WriteSet;
import io.syncline.store.jdbc.internal.Connections;
import io.syncline.store.jdbc.internal.DataSourceConnections;
import io.syncline.store.jdbc.internal.Dialect;
import io.syncline.store.jdbc.internal.HikariPools;
import io.syncline.store.jdbc.internal.PostgresDialect;
import io.syncline.store.jdbc.internal.SqliteConnections;
import io.syncline.store.jdbc.internal.SqliteDialect;
import io.syncline.store.jdbc.internal.StoreCore;
import io.syncline.store.jdbc.internal.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link SyncStore} in a SQL database: SQLite, the embedded default for devices, desktops and a
 * single server, or PostgreSQL, for servers, including several server nodes (several stores, in
 * several processes) sharing one database.
 *
 * <pre>{@code
 * // A device or a desktop: one file.
 * SyncStore store = JdbcStore.sqlite(Path.of("replica.db"));
 *
 * // A server node; every node opens the same tables.
 * SyncStore store = JdbcStore.builder()
 *     .postgres("jdbc:postgresql://db.internal/app", "sync", password)
 *     .schema("sync")
 *     .build();
 * }</pre>
 *
 * <p><b>Schema.</b> The store creates its tables when it first opens and migrates them when a newer
 * release opens them; the application writes no SQL. Tables are named with a prefix ({@value
 * #DEFAULT_TABLE_PREFIX} by default) and, on PostgreSQL, optionally placed in a schema, so the
 * store can live inside an application's own database. A store refuses, with {@link
 * SyncException.Code#SCHEMA_TOO_NEW}, tables that a newer release has migrated past {@link
 * #SCHEMA_VERSION}, and changes nothing.
 *
 * <p><b>Durability.</b> {@link #apply} returns only after its transaction has committed durably: on
 * SQLite in WAL mode with the {@link SqliteSync} level chosen ({@link SqliteSync#FULL} by default:
 * every commit is flushed); on PostgreSQL with {@code synchronous_commit} forced on in the
 * transaction when the session has it off, and a store refuses to open on a server running with
 * {@code fsync=off} unless {@link Builder#allowFsyncOff} says so.
 *
 * <p><b>Feed.</b> Seqs are assigned in commit order (from one counter row locked at the end of each
 * applying transaction), so a reader paging the feed never skips a change, however many
 * transactions commit at once on however many nodes. The cost: the last step of each applying
 * transaction, up to its commit, runs one at a time across all nodes. See the module's README.
 *
 * <p><b>Threads.</b> Thread-safe; methods block. On SQLite one writer connection is used by one
 * thread at a time while readers run in parallel; on PostgreSQL each call borrows a connection from
 * the pool. Several stores (in this or other processes) may open the same tables at once; writes
 * are version-checked by the database, not by this object.
 *
 * <p><b>Errors.</b> Database failures throw {@link SyncException} with {@link
 * SyncException.Code#STORE_FAILURE} (retryable: apply is idempotent, so retrying one whose commit
 * was cut off mid-way is safe); a write set that moves a cursor backwards throws {@link
 * SyncException.Code#INVALID_ARGUMENT} and applies nothing; calls after {@link #close()} throw
 * {@link SyncException.Code#CLOSED}. Invalid arguments throw {@link IllegalArgumentException} or
 * {@link NullPointerException} naming the parameter.
 */
public final class JdbcStore implements SyncStore {
  /** The schema version this release creates, migrates to, and reads. */
  public static final int SCHEMA_VERSION = StoreCore.SCHEMA_VERSION;

  /** The table prefix used unless {@link Builder#tablePrefix} sets another. */
  public static final String DEFAULT_TABLE_PREFIX = "syncline_";

  private final StoreCore core;

  private JdbcStore(StoreCore core) {
    this.core = core;
  }

  /**
   * Opens (creating if needed) a SQLite store in {@code file}, with the default options; see {@link
   * Builder#sqlite}.
   */
  public static JdbcStore sqlite(Path file) {
    return builder().sqlite(file).build();
  }

  /**
   * Opens (creating if needed) a PostgreSQL store on connections from {@code dataSource}, with the
   * default options; see {@link Builder#postgres(DataSource)}.
   */
  public static JdbcStore postgres(DataSource dataSource) {
    return builder().postgres(dataSource).build();
  }

  /**
   * Opens (creating if needed) a PostgreSQL store at {@code jdbcUrl} through a pool the store owns,
   * with the default options; see {@link Builder#postgres(String, String, String)}.
   */
  public static JdbcStore postgres(String jdbcUrl, String user, String password) {
    return builder().postgres(jdbcUrl, user, password).build();
  }

  /** A builder with the default options and no database chosen yet. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String epoch() {
    return core.epoch();
  }

  @Override
  public long headSeq() {
    return core.headSeq();
  }

  @Override
  public Optional<StoredRecord> get(RecordId id) {
    return core.get(id);
  }

  @Override
  public List<StoredRecord> list(
      String collection, String afterKey, int limit, boolean includeDeleted) {
    return core.list(collection, afterKey, limit, includeDeleted);
  }

  @Override
  public FeedPage readFeed(
      String scope, long afterSeq, int maxChanges, long maxBytes, String excludeSource) {
    return core.readFeed(scope, afterSeq, maxChanges, maxBytes, excludeSource);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One database transaction, with each kind of row written by one JDBC batch (one round trip
   * however many writes), not one statement per write.
   */
  @Override
  public ApplyResult apply(WriteSet writes) {
    return core.apply(writes);
  }

  @Override
  public Optional<Checkpoint> checkpoint(String peerId, String scope) {
    return core.checkpoint(peerId, scope);
  }

  @Override
  public List<QuarantinedChange> quarantine() {
    return core.quarantine();
  }

  @Override
  public Optional<String> property(String name) {
    return core.property(name);
  }

  /**
   * Closes the connections this store opened (a pool it created included; a {@link DataSource}
   * passed in is left open). Waits for a running apply to end. Idempotent.
   */
  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "JdbcStore{" + core + "}";
  }

  /**
   * Configures and opens a {@link JdbcStore}. Choose the database with {@link #sqlite} or one of
   * the {@code postgres} methods; everything else is optional. Setters check their argument at
   * once; {@link #build()} checks that the options fit together before touching any database.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private Path sqliteFile;
    private DataSource dataSource;
    private String url;
    private String user;
    private String password;
    private String tablePrefix = DEFAULT_TABLE_PREFIX;
    private String schema;
    private SqliteSync sqliteSync;
    private int maxConnections;
    private boolean allowFsyncOff;

    private Builder() {}

    /**
     * Use a SQLite database in {@code file}, created if missing (its directory must exist). The
     * database is switched to WAL mode, and other processes may open it at the same time.
     */
    public Builder sqlite(Path file) {
      this.sqliteFile = Objects.requireNonNull(file, "file == null");
      return this;
    }

    /**
     * Use PostgreSQL through {@code dataSource}, typically the application's pool. The store
     * borrows a connection per call and returns it; it never closes the data source. The pool must
     * report a row count per batched statement (pgjdbc does, unless {@code reWriteBatchedInserts}
     * is on).
     */
    public Builder postgres(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource == null");
      return this;
    }

    /**
     * Use PostgreSQL at {@code jdbcUrl} ({@code jdbc:postgresql://...}) through a HikariCP pool
     * that the store creates and closes. Needs {@code org.postgresql:postgresql} and {@code
     * com.zaxxer:HikariCP} on the class path; {@code user} and {@code password} may be null when
     * the URL or the server's authentication does not need them.
     */
    public Builder postgres(String jdbcUrl, String user, String password) {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "jdbcUrl must start with jdbc:postgresql: (got " + abbreviate(hostPart(jdbcUrl)) + ")");
      }
      this.url = jdbcUrl;
      this.user = user;
      this.password = password;
      return this;
    }

    /**
     * Names the store's tables with {@code prefix}: empty, or up to 32 characters of {@code a-z},
     * {@code 0-9} and {@code _}, not starting with a digit. Default {@value
     * JdbcStore#DEFAULT_TABLE_PREFIX}. Stores with different prefixes in one database are
     * independent.
     */
    public Builder tablePrefix(String prefix) {
      this.tablePrefix = Tables.checkPrefix(prefix);
      return this;
    }

    /**
     * PostgreSQL only: puts the store's tables in {@code schema} (created if missing), 1 to 63
     * characters of {@code a-z}, {@code 0-9} and {@code _}. By default they go where the
     * connection's {@code search_path} puts new tables.
     */
    public Builder schema(String schema) {
      this.schema = Tables.checkSchema(schema);
      return this;
    }

    /** SQLite only: how each commit reaches the disk; default {@link SqliteSync#FULL}. */
    public Builder sqliteSync(SqliteSync sync) {
      this.sqliteSync = Objects.requireNonNull(sync, "sync == null");
      return this;
    }

    /**
     * The most connections the store holds open: readers on SQLite (default 4; there is always
     * exactly one writer besides), the pool's size when the store creates a PostgreSQL pool
     * (default 10). Has no effect with a {@link DataSource} passed in.
     */
    public Builder maxConnections(int max) {
      if (max <= 0) {
        throw new IllegalArgumentException("maxConnections <= 0: " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * PostgreSQL only: open even on a server running with {@code fsync=off}, where an acknowledged
     * write can be lost in a crash. For throwaway test databases; default false.
     */
    public Builder allowFsyncOff(boolean allow) {
      this.allowFsyncOff = allow;
      return this;
    }

    /**
     * Opens the store: connects, checks the database, creates or migrates the tables and reads the
     * store's epoch.
     *
     * @throws IllegalStateException if the options do not fit together (no database, two databases,
     *     a PostgreSQL option for SQLite or the reverse); nothing is opened then
     * @throws IllegalArgumentException if the SQLite file's directory does not exist
     * @throws SyncException {@link SyncException.Code#SCHEMA_TOO_NEW} if the tables were migrated
     *     past {@link #SCHEMA_VERSION}; {@link SyncException.Code#INVALID_ARGUMENT} if the database
     *     is not one the store can use or runs with {@code fsync=off}; {@link
     *     SyncException.Code#STORE_FAILURE} if the database fails
     */
    public JdbcStore build() {
      int targets =
          (sqliteFile != null ? 1 : 0) + (dataSource != null ? 1 : 0) + (url != null ? 1 : 0);
      if (targets == 0) {
        throw new IllegalStateException(
            "no database: call sqlite(file), postgres(dataSource) or postgres(url, user,"
                + " password)");
      }
      if (targets > 1) {
        throw new IllegalStateException(
            "more than one database given: call only one of sqlite(...) and postgres(...)");
      }
      Tables tables = new Tables(schema, tablePrefix);
      if (sqliteFile != null) {
        return openSqlite(tables);
      }
      if (sqliteSync != null) {
        throw new IllegalStateException("sqliteSync applies to SQLite stores only");
      }
      return openPostgres(tables);
    }

    private JdbcStore openSqlite(Tables tables) {
      if (schema != null) {
        throw new IllegalStateException(
            "schema applies to PostgreSQL only; for SQLite use tablePrefix or another file");
      }
      if (allowFsyncOff) {
        throw new IllegalStateException("allowFsyncOff applies to PostgreSQL stores only");
      }
      Path file = sqliteFile.toAbsolutePath();
      Path dir = file.getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new IllegalArgumentException(
            "the directory of the SQLite file does not exist: " + dir);
      }
      if (Files.isDirectory(file)) {
        throw new IllegalArgumentException("the SQLite file is a directory: " + file);
      }
      SqliteSync sync = sqliteSync == null ? SqliteSync.FULL : sqliteSync;
      String description = "SQLite " + file.getFileName() + ", tables " + tables + ", " + sync;
      Connections connections;
      try {
        connections =
            new SqliteConnections(
                file, sync.name(), maxConnections > 0 ? maxConnections : 4, 10_000);
      } catch (SQLException e) {
        throw new SyncException(
            SyncException.Code.STORE_FAILURE,
            "could not open the SQLite database " + file + ": " + e.getMessage(),
            e);
      }
      return new JdbcStore(
          StoreCore.open(SqliteDialect.INSTANCE, tables, connections, false, description));
    }

    private JdbcStore openPostgres(Tables tables) {
      Dialect dialect = PostgresDialect.INSTANCE;
      if (dataSource != null) {
        String description = "PostgreSQL data source, tables " + tables;
        return new JdbcStore(
            StoreCore.open(
                dialect,
                tables,
                new DataSourceConnections(dataSource, null),
                allowFsyncOff,
                description));
      }
      requireClass("org.postgresql.Driver", "org.postgresql:postgresql");
      requireClass("com.zaxxer.hikari.HikariDataSource", "com.zaxxer:HikariCP");
      String description = "PostgreSQL " + hostPart(url) + ", tables " + tables;
      Connections connections;
      try {
        var pool =
            HikariPools.create(url, user, password, maxConnections > 0 ? maxConnections : 10);
        connections = new DataSourceConnections(pool, pool);
      } catch (RuntimeException e) {
        throw new SyncException(
            SyncException.Code.STORE_FAILURE,
            "could not connect to " + description + ": " + e.getMessage(),
            e);
      }
      return new JdbcStore(
          StoreCore.open(dialect, tables, connections, allowFsyncOff, description));
    }

    private static void requireClass(String className, String artifact) {
      try {
        Class.forName(className, false, JdbcStore.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(
            "postgres(url, user, password) needs " + artifact + " on the class path", e);
      }
    }

    /** The URL without its query string, which may hold a password. */
    private static String hostPart(String url) {
      int q = url.indexOf('?');
      return q < 0 ? url : url.substring(0, q);
    }

    private static String abbreviate(String s) {
      return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
  }
}
