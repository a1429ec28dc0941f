package io.syncline.server;

import java.io.PrintStream;
import java.time.Instant;

/**
 * One-line structured log records ({@code key=value}, values quoted when they hold spaces), for
 * people and log shippers alike. Thread-safe.
 */
public final class Log {
  private final PrintStream out;

  /** Logs to {@code out}. */
  public Log(PrintStream out) {
    this.out = out;
  }

  /** Logs an event at info level with key/value pairs. */
  public void info(String event, Object... keyValues) {
    write("info", event, keyValues);
  }

  /** Logs an event at warn level with key/value pairs. */
  public void warn(String event, Object... keyValues) {
    write("warn", event, keyValues);
  }

  private void write(String level, String event, Object... kv) {
    StringBuilder sb = new StringBuilder();
    sb.append("ts=").append(Instant.now()).append(" level=").append(level);
    sb.append(" event=").append(event);
    for (int i = 0; i + 1 < kv.length; i += 2) {
      sb.append(' ').append(kv[i]).append('=').append(quote(String.valueOf(kv[i + 1])));
    }
    synchronized (out) {
      out.println(sb);
      out.flush();
    }
  }

  private static String quote(String v) {
    if (v.isEmpty() || v.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=')) {
      return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    return v;
  }
}
