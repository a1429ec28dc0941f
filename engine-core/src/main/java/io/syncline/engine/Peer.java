package io.syncline.engine;

import io.syncline.engine.internal.Immutables;
import io.syncline.spi.Identifiers;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncTransport;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A peer this replica syncs with: its id, how to reach it, which scopes to exchange, and in which
 * directions.
 *
 * <pre>{@code
 * Peer server = Peer.of("server", transport, "user-42", "team-7");
 * Peer mirror = Peer.of("backup", transport, "user-42").pullOnly();
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param id the peer's id; stored with checkpoints, so keep it stable
 * @param transport how to reach the peer
 * @param scopes the scopes to sync with it, sorted, at least one
 * @param push whether to send local changes to it
 * @param pull whether to fetch its changes
 */
public record Peer(
    String id, SyncTransport transport, List<String> scopes, boolean push, boolean pull) {

  /** Validates and sorts the scopes. */
  public Peer {
    Identifiers.check(id, "id");
    Objects.requireNonNull(transport, "transport == null");
    Objects.requireNonNull(scopes, "scopes == null");
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("a peer needs at least one scope");
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String s : scopes) {
      sorted.add(SyncRecord.checkScope(s));
    }
    scopes = Immutables.list(sorted);
    if (!push && !pull) {
      throw new IllegalArgumentException("a peer must push, pull or both");
    }
  }

  /** A peer to push to and pull from, for the given scopes. */
  public static Peer of(String id, SyncTransport transport, String... scopes) {
    return new Peer(id, transport, Arrays.asList(scopes), true, true);
  }

  /** This peer, only pulled from. */
  public Peer pullOnly() {
    return new Peer(id, transport, scopes, false, true);
  }

  /** This peer, only pushed to. */
  public Peer pushOnly() {
    return new Peer(id, transport, scopes, true, false);
  }

  @Override
  public String toString() {
    return "Peer{"
        + id
        + ", scopes="
        + scopes
        + (push ? ", push" : "")
        + (pull ? ", pull" : "")
        + "}";
  }
}
