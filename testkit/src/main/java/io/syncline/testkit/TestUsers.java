package io.syncline.testkit;

import io.syncline.spi.Authenticator;
import io.syncline.spi.Authorizer;
import io.syncline.spi.SyncRecord;
import java.util.Map;

/**
 * Two users for transport tests: {@code alice-token} proves alice and {@code bob-token} bob; each
 * may read and write the scope named after them, and both the scope {@code shared}.
 */
public final class TestUsers {
  /** alice's bearer token. */
  public static final String ALICE_TOKEN = "alice-token";

  /** bob's bearer token. */
  public static final String BOB_TOKEN = "bob-token";

  /** Knows the two tokens; refuses every other request. */
  public static final Authenticator AUTHENTICATOR =
      Authenticator.tokens(Map.of(ALICE_TOKEN, "alice", BOB_TOKEN, "bob"));

  /** Each user reads and writes the scope named after them, and everybody {@code shared}. */
  public static final Authorizer OWN_SCOPES =
      new Authorizer() {
        @Override
        public boolean canRead(String principal, String scope) {
          return scope.equals("shared") || scope.equals(principal);
        }

        @Override
        public boolean canWrite(String principal, SyncRecord record) {
          return canRead(principal, record.scope());
        }
      };

  private TestUsers() {}
}
