package io.syncline.store.jdbc.internal;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names of the store's tables, from an optional schema and a table prefix. Names are validated
 * lower-case SQL identifiers, so they are spliced into SQL unquoted and fold identically on every
 * database.
 */
public final class Tables {
  private static final Pattern PREFIX = Pattern.compile("([a-z_][a-z0-9_]{0,31})?");
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  final String schema;
  final String prefix;
  final String meta;
  final String records;
  final String counter;
  final String checkpoints;
  final String quarantine;
  final String properties;

  /** Names for {@code prefix} in {@code schema} (null for the connection's default schema). */
  public Tables(String schema, String prefix) {
    checkPrefix(prefix);
    if (schema != null) {
      checkSchema(schema);
    }
    this.schema = schema;
    this.prefix = prefix;
    String q = schema == null ? prefix : schema + "." + prefix;
    this.meta = q + "meta";
    this.records = q + "records";
    this.counter = q + "counter";
    this.checkpoints = q + "checkpoints";
    this.quarantine = q + "quarantine";
    this.properties = q + "properties";
  }

  /** Throws {@link IllegalArgumentException} unless {@code prefix} is a valid table prefix. */
  public static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "tablePrefix == null");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "tablePrefix must be empty or 1 to 32 characters of a-z, 0-9 and _, not starting with a"
              + " digit: \""
              + prefix
              + "\"");
    }
    return prefix;
  }

  /** Throws {@link IllegalArgumentException} unless {@code schema} is a valid schema name. */
  public static String checkSchema(String schema) {
    Objects.requireNonNull(schema, "schema == null");
    if (!SCHEMA.matcher(schema).matches() || schema.startsWith("pg_")) {
      throw new IllegalArgumentException(
          "schema must be 1 to 63 characters of a-z, 0-9 and _, not starting with a digit or"
              + " pg_: \""
              + schema
              + "\"");
    }
    return schema;
  }

  /** The unqualified name of an index on the records table. */
  String index(String suffix) {
    return prefix + "records_" + suffix;
  }

  @Override
  public String toString() {
    return (schema == null ? "" : schema + ".") + prefix + "*";
  }
}
