package io.syncline.engine;

import io.syncline.engine.internal.Immutables;
import java.util.List;

/**
 * How a sync run ended, peer by peer (in peer id order).
 *
 * @param peers one result per peer
 */
public record SyncResult(List<PeerResult> peers) {
  /** Copies the list. */
  public SyncResult {
    peers = Immutables.list(peers);
  }

  /** Whether every peer's session succeeded. */
  public boolean isSuccess() {
    return peers.stream().allMatch(PeerResult::isSuccess);
  }

  /** Local changes acknowledged by peers in this run. */
  public int pushed() {
    return peers.stream().mapToInt(PeerResult::pushed).sum();
  }

  /** Remote changes applied in this run. */
  public int pulled() {
    return peers.stream().mapToInt(PeerResult::pulled).sum();
  }

  /** Local changes rejected by peers in this run. */
  public int quarantined() {
    return peers.stream().mapToInt(PeerResult::quarantined).sum();
  }

  /** The result for {@code peerId}; throws if there is none. */
  public PeerResult peer(String peerId) {
    for (PeerResult p : peers) {
      if (p.peerId().equals(peerId)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no result for peer " + peerId);
  }
}
