package io.syncline.server;

import io.syncline.spi.Identifiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;

/**
 * The server's settings, from the command line. Immutable; {@link #parse} validates and names the
 * first problem.
 *
 * @param bind the address to listen on
 * @param httpPort the HTTP sync port (0: any free port; -1: none)
 * @param grpcPort the gRPC sync port (0: any free port; -1: none)
 * @param adminPort the health and metrics port (0: any free port; -1: none)
 * @param database a SQLite file path, or a {@code jdbc:postgresql:} URL
 * @param dbUser the PostgreSQL user, or null
 * @param dbPassword the PostgreSQL password, or null
 * @param tokensFile the tokens file, or null to admit anonymous callers
 * @param tlsCert the PEM certificate chain for https, or null
 * @param tlsKey the PEM private key for https, or null
 * @param replicaId this node's replica id (distinct per node when several share a database)
 */
public record ServerOptions(
    String bind,
    int httpPort,
    int grpcPort,
    int adminPort,
    String database,
    String dbUser,
    String dbPassword,
    Path tokensFile,
    Path tlsCert,
    Path tlsKey,
    String replicaId) {

  /** The usage text. */
  public static final String USAGE =
      String.join(
          System.lineSeparator(),
          "usage: sync-server [options]",
          "  --bind ADDR          address to listen on (default 127.0.0.1)",
          "  --http-port N        HTTP sync port, 0 for any free port, -1 for none (default 8080)",
          "  --grpc-port N        gRPC sync port, 0 for any free port, -1 for none (default 9090)",
          "  --admin-port N       /health and /metrics port, 0 for any, -1 for none (default 8081)",
          "  --db PATH|URL        SQLite file (default syncline-server.db) or jdbc:postgresql://...",
          "  --db-user USER       PostgreSQL user",
          "  --db-password PASS   PostgreSQL password (or the SYNCLINE_DB_PASSWORD variable)",
          "  --tokens FILE        bearer tokens: lines of 'token principal scope[,scope...]' or '*'",
          "  --tls-cert FILE      PEM certificate chain, to serve https",
          "  --tls-key FILE       PEM private key (PKCS#8), with --tls-cert",
          "  --replica-id ID      this node's replica id (default server)",
          "  --help               print this and exit");

  /** Thrown for a command line that cannot be used; the message is one line for a person. */
  public static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses a command line; {@code env} supplies environment variables (the password).
   *
   * @return the options, or null if {@code --help} was asked for
   */
  public static ServerOptions parse(String[] args, java.util.function.Function<String, String> env)
      throws UsageException {
    String bind = "127.0.0.1";
    int http = 8080;
    int grpc = 9090;
    int admin = 8081;
    String db = "syncline-server.db";
    String user = null;
    String password = env.apply("SYNCLINE_DB_PASSWORD");
    Path tokens = null;
    Path cert = null;
    Path key = null;
    String replica = "server";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return null;
      }
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "' (see --help)");
      }
      if (i + 1 >= args.length) {
        throw new UsageException("option " + a + " needs a value (see --help)");
      }
      String v = args[++i];
      switch (a) {
        case "--bind" -> bind = v;
        case "--http-port" -> http = port(a, v, true);
        case "--grpc-port" -> grpc = port(a, v, true);
        case "--admin-port" -> admin = port(a, v, true);
        case "--db" -> db = v;
        case "--db-user" -> user = v;
        case "--db-password" -> password = v;
        case "--tokens" -> tokens = readable(a, v);
        case "--tls-cert" -> cert = readable(a, v);
        case "--tls-key" -> key = readable(a, v);
        case "--replica-id" -> replica = v;
        default -> throw new UsageException("unknown option " + a + " (see --help)");
      }
    }
    if ((cert == null) != (key == null)) {
      throw new UsageException("--tls-cert and --tls-key go together");
    }
    if (db.isEmpty()) {
      throw new UsageException("--db is empty");
    }
    if (db.startsWith("jdbc:") && !db.startsWith("jdbc:postgresql:")) {
      throw new UsageException("--db takes a SQLite file or a jdbc:postgresql: URL, not " + db);
    }
    try {
      Identifiers.check(replica, "--replica-id");
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (http == -1 && grpc == -1) {
      throw new UsageException("--http-port and --grpc-port are both -1: nothing to serve");
    }
    int[] ports = {http, grpc, admin};
    for (int i = 0; i < ports.length; i++) {
      for (int j = i + 1; j < ports.length; j++) {
        if (ports[i] > 0 && ports[i] == ports[j]) {
          throw new UsageException("two of --http-port, --grpc-port, --admin-port are " + ports[i]);
        }
      }
    }
    return new ServerOptions(
        bind, http, grpc, admin, db, user, password, tokens, cert, key, replica);
  }

  /** Whether the database is PostgreSQL. */
  public boolean postgres() {
    return database.startsWith("jdbc:postgresql:");
  }

  private static int port(String option, String v, boolean allowNone) throws UsageException {
    try {
      int p = Integer.parseInt(v);
      if ((allowNone && p == -1) || (p >= 0 && p <= 65535)) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        option + " takes a port number 0 to 65535" + (allowNone ? " or -1" : "") + ", not " + v);
  }

  private static Path readable(String option, String v) throws UsageException {
    Path p = Paths.get(v);
    if (!Files.isReadable(p) || Files.isDirectory(p)) {
      throw new UsageException(option + ": cannot read file " + v);
    }
    return p;
  }

  /** Validates that no required part is null. */
  public ServerOptions {
    Objects.requireNonNull(bind, "bind == null");
    Objects.requireNonNull(database, "database == null");
    Objects.requireNonNull(replicaId, "replicaId == null");
  }

  @Override
  public String toString() {
    // Never print the password.
    return "ServerOptions{bind="
        + bind
        + ", http="
        + httpPort
        + ", admin="
        + adminPort
        + ", db="
        + database
        + ", tokens="
        + tokensFile
        + ", tls="
        + (tlsCert != null)
        + ", replica="
        + replicaId
        + "}";
  }
}
