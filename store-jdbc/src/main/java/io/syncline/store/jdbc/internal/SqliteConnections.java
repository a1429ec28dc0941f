package io.syncline.store.jdbc.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * SQLite connections: one writer, used by one thread at a time under a lock, and a few readers
 * opened on demand, which WAL lets run while the writer writes.
 */
public final class SqliteConnections implements Connections {
  private final String url;
  private final SQLiteConfig writerConfig;
  private final SQLiteConfig readerConfig;
  private final ReentrantLock writeLock = new ReentrantLock(true);
  private final Semaphore readPermits;
  private final ConcurrentLinkedDeque<Connection> idleReaders = new ConcurrentLinkedDeque<>();
  private Connection writer; // guarded by writeLock
  private volatile boolean closed;

  /**
   * Opens the writer on {@code file}, in WAL mode with {@code synchronous} ("FULL" or "NORMAL").
   */
  public SqliteConnections(Path file, String synchronous, int maxReaders, int busyTimeoutMillis)
      throws SQLException {
    this.url = "jdbc:sqlite:" + file.toAbsolutePath();
    this.writerConfig = new SQLiteConfig();
    writerConfig.setJournalMode(SQLiteConfig.JournalMode.WAL);
    writerConfig.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous));
    writerConfig.setBusyTimeout(busyTimeoutMillis);
    this.readerConfig = new SQLiteConfig();
    readerConfig.setBusyTimeout(busyTimeoutMillis);
    this.readPermits = new Semaphore(maxReaders, true);
    this.writer = writerConfig.createConnection(url);
  }

  @Override
  public <T> T read(SqlWork<T> work) throws SQLException {
    try {
      readPermits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a SQLite reader", e);
    }
    Connection c = null;
    boolean ok = false;
    try {
      checkOpen();
      c = idleReaders.poll();
      if (c == null) {
        c = readerConfig.createConnection(url);
      }
      T result = work.run(c);
      ok = true;
      return result;
    } finally {
      if (c != null) {
        if (ok && !closed) {
          idleReaders.push(c);
        } else {
          closeQuietly(c);
        }
      }
      readPermits.release();
      if (closed) {
        drainReaders();
      }
    }
  }

  @Override
  public <T> T write(SqlWork<T> work) throws SQLException {
    writeLock.lock();
    try {
      checkOpen();
      if (writer == null) {
        writer = writerConfig.createConnection(url);
      }
      boolean ok = false;
      try {
        T result = work.run(writer);
        ok = true;
        return result;
      } finally {
        if (!ok) {
          // The driver cannot tell whether a failed rollback left a transaction open; a fresh
          // connection is certain not to hold one (and failed applies are rare).
          closeQuietly(writer);
          writer = null;
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      closed = true;
      if (writer != null) {
        closeQuietly(writer);
        writer = null;
      }
    } finally {
      writeLock.unlock();
    }
    drainReaders();
  }

  private void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("the store is closed");
    }
  }

  private void drainReaders() {
    Connection c;
    while ((c = idleReaders.poll()) != null) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // Closing: nothing more to do with it.
    }
  }
}
