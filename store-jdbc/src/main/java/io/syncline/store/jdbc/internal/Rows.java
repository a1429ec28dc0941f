package io.syncline.store.jdbc.internal;

import io.syncline.spi.Payload;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Encodes values into statement parameters and decodes rows, the same way for every dialect. */
final class Rows {
  /** The record columns, in the order {@link #record} reads them from a result set. */
  static final String RECORD_COLUMNS =
      "seq, source, collection, rkey, scope, stamp, replica, deleted, payload, meta";

  /**
   * The columns of a feed row: seq, then the record as {@link #recordAt} reads it from column 2.
   */
  static final String FEED_COLUMNS =
      "seq, collection, rkey, scope, stamp, replica, deleted, payload, meta";

  private Rows() {}

  /**
   * A key as its UTF-16 code units, big-endian. Comparing these bytes unsigned (as SQLite and
   * PostgreSQL compare BLOB and bytea) orders keys exactly as {@link RecordId#compareTo} does, on
   * every database and collation, and keeps every key distinct, lone surrogates included.
   */
  static byte[] encodeKey(String key) {
    byte[] b = new byte[key.length() * 2];
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      b[2 * i] = (byte) (c >>> 8);
      b[2 * i + 1] = (byte) c;
    }
    return b;
  }

  static String decodeKey(byte[] b) {
    if (b.length % 2 != 0) {
      throw new IllegalStateException("a stored key has an odd number of bytes: " + b.length);
    }
    char[] cs = new char[b.length / 2];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = (char) (((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff));
    }
    return new String(cs);
  }

  /** Binds collection, rkey, scope, stamp, replica, deleted, payload, meta from {@code first}. */
  static int bindRecord(PreparedStatement ps, int first, SyncRecord r) throws SQLException {
    int i = first;
    ps.setString(i++, r.id().collection());
    ps.setBytes(i++, encodeKey(r.id().key()));
    ps.setString(i++, r.scope());
    ps.setLong(i++, r.version().stamp());
    ps.setString(i++, r.version().replicaId());
    ps.setBoolean(i++, r.deleted());
    ps.setBytes(i++, r.payload().toByteArray());
    ps.setBytes(i++, r.meta().toByteArray());
    return i;
  }

  /** Reads a row selected with {@link #RECORD_COLUMNS}. */
  static StoredRecord record(ResultSet rs) throws SQLException {
    long seq = rs.getLong(1);
    String source = rs.getString(2);
    return new StoredRecord(recordAt(rs, 3), seq, source);
  }

  /**
   * Reads collection, rkey, scope, stamp, replica, deleted, payload, meta from column {@code i}.
   */
  static SyncRecord recordAt(ResultSet rs, int i) throws SQLException {
    RecordId id = new RecordId(rs.getString(i), decodeKey(bytes(rs, i + 1)));
    String scope = rs.getString(i + 2);
    Version version = new Version(rs.getLong(i + 3), rs.getString(i + 4));
    boolean deleted = rs.getBoolean(i + 5);
    Payload payload = Payload.wrap(bytes(rs, i + 6));
    Payload meta = Payload.wrap(bytes(rs, i + 7));
    return new SyncRecord(id, scope, version, deleted, payload, meta);
  }

  /** Reads a quarantine row: id, peer, the record columns, code, reason, at_millis. */
  static QuarantinedChange quarantined(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    String peer = rs.getString(2);
    SyncRecord record = recordAt(rs, 3);
    return new QuarantinedChange(
        id, peer, record, rs.getString(11), rs.getString(12), rs.getLong(13));
  }

  /** A BLOB column; SQLite hands back null for an empty one. */
  private static byte[] bytes(ResultSet rs, int i) throws SQLException {
    byte[] b = rs.getBytes(i);
    return b == null ? new byte[0] : b;
  }
}
