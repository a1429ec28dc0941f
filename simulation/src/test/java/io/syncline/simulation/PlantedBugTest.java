package io.syncline.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.ApplyResult;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.ConflictResolver;
import io.syncline.spi.FeedPage;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.WriteSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The harness must find known bugs, fast, and say which seed replays them. */
class PlantedBugTest {
  private static final int BUDGET = 300;

  /** Runs seeds until one fails; returns its report, or fails the test after the budget. */
  private static Report firstFailure(java.util.function.LongFunction<SimConfig> configs) {
    for (long seed = 1; seed <= BUDGET; seed++) {
      Report r = Simulation.run(seed, configs.apply(seed), false);
      if (!r.passed()) {
        System.out.println(
            "planted bug found by seed "
                + seed
                + ": "
                + r.violations().get(0)
                + "\nreplay: "
                + r.replayCommand());
        // The failure replays exactly from its seed.
        assertThat(Simulation.run(seed, configs.apply(seed), false)).isEqualTo(r);
        return r;
      }
    }
    throw new AssertionError("planted bug not found within " + BUDGET + " seeds");
  }

  @Test
  void findsACursorCommittedBeforeItsRecords() {
    // The PouchDB#1240 failure mode: the checkpoint is written in its own transaction, before the
    // records it covers. A crash in between leaves a cursor past data that never arrived.
    StoreWrapper cursorFirst =
        (store, crash) ->
            new Forwarding(store) {
              @Override
              public ApplyResult apply(WriteSet ws) {
                if (ws.checkpoints().isEmpty() || ws.writes().isEmpty()) {
                  return store.apply(ws);
                }
                WriteSet.Builder cursors = WriteSet.builder();
                ws.checkpoints().forEach(cursors::checkpoint);
                store.apply(cursors.build());
                crash.inside();
                WriteSet.Builder rest = WriteSet.builder();
                ws.writes().forEach(w -> rest.write(w.record(), w.source()));
                ws.quarantineAdds().forEach(rest::quarantine);
                ws.quarantineRemovals().forEach(rest::unquarantine);
                ws.properties().forEach(rest::property);
                ws.checkpointResets().forEach(rest::resetCheckpoint);
                return store.apply(rest.build());
              }
            };
    Report r = firstFailure(seed -> SimConfig.forSeed(seed).withStoreWrapper(cursorFirst));
    assertThat(String.join("\n", r.violations())).containsAnyOf("lost write", "convergence");
  }

  @Test
  void findsAFeedThatEchoesChangesBackToTheirSender() {
    StoreWrapper echoing =
        (store, crash) ->
            new Forwarding(store) {
              @Override
              public FeedPage readFeed(
                  String scope, long after, int max, long bytes, String excludeSource) {
                return store.readFeed(scope, after, max, bytes, null);
              }
            };
    Report r = firstFailure(seed -> SimConfig.forSeed(seed).withStoreWrapper(echoing));
    assertThat(String.join("\n", r.violations())).contains("echo");
  }

  @Test
  void findsAnAsymmetricResolver() {
    // Each replica insists on its own state: replicas never agree.
    Report r =
        firstFailure(
            seed ->
                SimConfig.forSeed(seed)
                    .withResolver(
                        () ->
                            new ConflictResolver() {
                              @Override
                              public Resolution resolve(SyncRecord local, SyncRecord remote) {
                                return new KeepLocal();
                              }
                            }));
    assertThat(String.join("\n", r.violations()))
        .containsAnyOf("did not quiesce", "convergence", "lost write");
  }

  /** A store that forwards everything; planted bugs override one method. */
  private static class Forwarding implements SyncStore {
    final SyncStore store;

    Forwarding(SyncStore store) {
      this.store = store;
    }

    @Override
    public String epoch() {
      return store.epoch();
    }

    @Override
    public long headSeq() {
      return store.headSeq();
    }

    @Override
    public Optional<StoredRecord> get(RecordId id) {
      return store.get(id);
    }

    @Override
    public List<StoredRecord> list(String c, String after, int limit, boolean deleted) {
      return store.list(c, after, limit, deleted);
    }

    @Override
    public FeedPage readFeed(String scope, long after, int max, long bytes, String exclude) {
      return store.readFeed(scope, after, max, bytes, exclude);
    }

    @Override
    public ApplyResult apply(WriteSet ws) {
      return store.apply(ws);
    }

    @Override
    public Optional<Checkpoint> checkpoint(String peerId, String scope) {
      return store.checkpoint(peerId, scope);
    }

    @Override
    public List<QuarantinedChange> quarantine() {
      return store.quarantine();
    }

    @Override
    public Optional<String> property(String name) {
      return store.property(name);
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
