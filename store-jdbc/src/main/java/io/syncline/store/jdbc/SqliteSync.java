package io.syncline.store.jdbc;

/**
 * How hard a SQLite store pushes each commit to disk: SQLite's {@code synchronous} setting, always
 * in WAL mode. It decides which failures an acknowledged (committed) write survives.
 */
public enum SqliteSync {
  /**
   * The default. Every commit is flushed ({@code fsync}) to the write-ahead log before {@link
   * JdbcStore#apply} returns: an acknowledged write survives a killed process, an operating system
   * crash and a power cut (as far as the disk honours flushes).
   */
  FULL,
  /**
   * Commits are written to the write-ahead log but flushed only at checkpoints: faster, and an
   * acknowledged write survives a killed process, but an operating system crash or power cut may
   * lose the last commits (never corrupting the database). For caches and data a peer still holds.
   */
  NORMAL
}
