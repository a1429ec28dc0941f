package io.syncline.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Establishes who is calling a server from the bearer token a request carries, before anything of
 * the request is read or applied. What the caller may then read and write is the engine's {@link
 * io.syncline.spi.Authorizer}'s decision, per scope and record.
 *
 * <pre>{@code
 * Authenticator auth = token -> {
 *   String user = tokenStore.userFor(token); // null if unknown
 *   if (user == null) {
 *     throw new SyncException(SyncException.Code.UNAUTHENTICATED, "unknown or expired token");
 *   }
 *   return user;
 * };
 * }</pre>
 *
 * <p>Transport-neutral: a token in, a principal out, a coded {@link SyncException} to refuse; every
 * server transport (HTTP, gRPC) takes one and maps the codes onto its own statuses.
 *
 * <p>Implementations are thread-safe: a server calls them concurrently, once per request. They
 * should be fast or cache, since they run on every request.
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * Lets every request in as an anonymous caller (principal null), token or not. For trusted
   * networks and tests; the engine's authorizer sees a null principal.
   */
  Authenticator ANONYMOUS = token -> null;

  /**
   * Returns the principal (a user or service name) that {@code bearerToken} proves, or null for an
   * anonymous caller where the server admits those.
   *
   * @param bearerToken the token of an {@code Authorization: Bearer} header, or null if the request
   *     carries none
   * @throws SyncException with {@link SyncException.Code#UNAUTHENTICATED} if the token is missing,
   *     unknown or expired (HTTP 401), {@link SyncException.Code#PERMISSION_DENIED} if the
   *     principal is barred altogether (403), or a retryable code if the authentication backend
   *     cannot answer right now (503)
   */
  String authenticate(String bearerToken);

  /**
   * An authenticator that knows a fixed set of tokens, each naming its principal, and refuses
   * requests without one of them. Compares tokens by content; for tests, demos and service
   * accounts.
   */
  static Authenticator tokens(Map<String, String> principalsByToken) {
    Objects.requireNonNull(principalsByToken, "principalsByToken == null");
    Map<String, String> copy = new TreeMap<>();
    principalsByToken.forEach(
        (token, principal) -> {
          if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("a token is null or empty");
          }
          copy.put(token, Objects.requireNonNull(principal, "principal for a token == null"));
        });
    return token -> {
      if (token == null) {
        throw new SyncException(
            SyncException.Code.UNAUTHENTICATED, "the request carries no bearer token");
      }
      String principal = copy.get(token);
      if (principal == null) {
        throw new SyncException(SyncException.Code.UNAUTHENTICATED, "unknown bearer token");
      }
      return principal;
    };
  }
}
