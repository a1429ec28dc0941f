package io.syncline.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.ApplyResult;
import io.syncline.spi.ConflictResolver;
import io.syncline.spi.FeedPage;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.WriteSet;
import io.syncline.testkit.ForwardingStore;
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
            new ForwardingStore(store) {
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
            new ForwardingStore(store) {
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
}
