package io.syncline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.spi.ApplyResult;
import io.syncline.spi.Authorizer;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.SyncTransport;
import io.syncline.spi.WriteSet;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.ForwardingStore;
import io.syncline.testkit.LoopbackTransport;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Shared setup for engine tests: memory stores, loopback transports, a fake clock. */
final class Fixtures {
  static final String SCOPE = "team";

  private Fixtures() {}

  /** A builder for an engine that syncs on the calling thread. */
  static SyncEngine.Builder engine(String id, SyncStore store, FakeClock clock) {
    return SyncEngine.builder()
        .replicaId(id)
        .store(store)
        .clock(clock)
        .random(new Random(42))
        .ioScheduler(Schedulers.trampoline())
        .defaultScope(SCOPE);
  }

  /** A builder for an engine whose one peer, "server", is reached over {@code toServer}. */
  static SyncEngine.Builder client(
      String id, SyncStore store, FakeClock clock, SyncTransport toServer) {
    return engine(id, store, clock).peer(Peer.of("server", toServer, SCOPE));
  }

  /** A builder for an engine whose one peer, "server", is {@code server} over a loopback. */
  static SyncEngine.Builder client(String id, SyncStore store, FakeClock clock, SyncEngine server) {
    return client(id, store, clock, new LoopbackTransport(server.handler()));
  }

  /** Lets every write through but those to the record whose key {@code key} holds at the time. */
  static Authorizer refusingWritesTo(Supplier<String> key) {
    return new Authorizer() {
      @Override
      public boolean canWrite(String principal, SyncRecord record) {
        return !record.id().key().equals(key.get());
      }
    };
  }

  static SyncEngine server(SyncStore store, FakeClock clock) {
    return engine("server", store, clock).build();
  }

  /** Every record of a store, including tombstones, by id. */
  static Map<RecordId, String> snapshot(SyncStore store) {
    Map<RecordId, String> out = new TreeMap<>();
    for (String collection : List.of("notes", "contacts")) {
      for (StoredRecord r : store.list(collection, null, 1_000_000, true)) {
        out.put(
            r.record().id(),
            r.record().version()
                + (r.record().deleted() ? " deleted" : " " + r.record().payload().toUtf8()));
      }
    }
    return out;
  }

  static void assertConverged(SyncStore... stores) {
    Map<RecordId, String> first = snapshot(stores[0]);
    for (int i = 1; i < stores.length; i++) {
      assertThat(snapshot(stores[i])).as("store %d vs store 0", i).isEqualTo(first);
    }
  }

  /** A store that fails its next applies on command, applying nothing, like a crash mid-write. */
  static final class FailingStore extends ForwardingStore {
    private int failNextApplies;

    FailingStore() {
      super(new MemoryStore());
    }

    synchronized void failNextApplies(int n) {
      failNextApplies = n;
    }

    @Override
    public ApplyResult apply(WriteSet writes) {
      synchronized (this) {
        if (failNextApplies > 0) {
          failNextApplies--;
          throw new SyncException(SyncException.Code.STORE_FAILURE, "injected store failure");
        }
      }
      return delegate.apply(writes);
    }
  }
}
