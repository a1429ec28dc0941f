package io.syncline.server;

import io.syncline.spi.Authenticator;
import io.syncline.spi.Authorizer;
import io.syncline.spi.SyncRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A tokens file: one line per token, {@code token principal scope[,scope...]}, where a scope of
 * {@code *} means every scope; blank lines and lines starting with {@code #} are ignored. It gives
 * the server both who a caller is ({@link #authenticator()}) and what it may read and write ({@link
 * #authorizer()}, per scope).
 */
final class Tokens {
  private final Map<String, String> principals = new TreeMap<>();
  private final Map<String, Set<String>> scopes = new TreeMap<>();

  static Tokens read(Path file) throws IOException {
    Tokens t = new Tokens();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 3) {
        throw new IOException(
            file
                + " line "
                + (n + 1)
                + ": expected 'token principal scopes', found "
                + parts.length
                + " fields");
      }
      if (t.principals.put(parts[0], parts[1]) != null) {
        throw new IOException(file + " line " + (n + 1) + ": a token appears twice");
      }
      Set<String> s = t.scopes.computeIfAbsent(parts[1], k -> new TreeSet<>());
      for (String scope : parts[2].split(",")) {
        if (!scope.equals("*")) {
          try {
            SyncRecord.checkScope(scope);
          } catch (IllegalArgumentException e) {
            throw new IOException(file + " line " + (n + 1) + ": " + e.getMessage(), e);
          }
        }
        s.add(scope);
      }
    }
    if (t.principals.isEmpty()) {
      throw new IOException(file + " holds no token");
    }
    return t;
  }

  int size() {
    return principals.size();
  }

  Authenticator authenticator() {
    return Authenticator.tokens(principals);
  }

  Authorizer authorizer() {
    return new Authorizer() {
      @Override
      public boolean canRead(String principal, String scope) {
        return allowed(principal, scope);
      }

      @Override
      public boolean canWrite(String principal, SyncRecord record) {
        return allowed(principal, record.scope());
      }
    };
  }

  private boolean allowed(String principal, String scope) {
    Set<String> s = principal == null ? null : scopes.get(principal);
    return s != null && (s.contains("*") || s.contains(scope));
  }
}
