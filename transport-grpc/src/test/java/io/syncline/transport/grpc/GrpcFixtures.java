package io.syncline.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Authenticator;
import io.syncline.spi.Authorizer;
import io.syncline.spi.Clock;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncHandler;
import io.syncline.spi.SyncStore;
import io.syncline.testkit.TestUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Shared set-up: engines on memory stores, a server on an ephemeral port, token auth. */
final class GrpcFixtures {
  static final String ALICE_TOKEN = TestUsers.ALICE_TOKEN;
  static final String BOB_TOKEN = TestUsers.BOB_TOKEN;

  /** alice-token is alice, bob-token is bob; nobody else gets in. */
  static final Authenticator AUTH = TestUsers.AUTHENTICATOR;

  /** Each user reads and writes the scope named after them, and everybody the scope "shared". */
  static final Authorizer OWN_SCOPES = TestUsers.OWN_SCOPES;

  private GrpcFixtures() {}

  /** An engine that syncs on the calling thread. */
  static SyncEngine.Builder engine(String id, SyncStore store, Clock clock, String scope) {
    return SyncEngine.builder()
        .replicaId(id)
        .store(store)
        .clock(clock)
        .random(new Random(42))
        .ioScheduler(Schedulers.trampoline())
        .defaultScope(scope);
  }

  static GrpcSyncServer start(SyncHandler handler) {
    return start(handler, GrpcServerLimits.DEFAULT, 0);
  }

  static GrpcSyncServer start(SyncHandler handler, GrpcServerLimits limits, int port) {
    try {
      return GrpcSyncServer.builder()
          .port(port)
          .handler(handler)
          .authenticator(AUTH)
          .limits(limits)
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static GrpcSyncTransport transport(String target, String token) {
    return GrpcSyncTransport.builder()
        .target(target)
        .bearerToken(token)
        .requestTimeout(Duration.ofSeconds(20))
        .build();
  }

  /** Every record of a store, tombstones included, with version and payload. */
  static Map<RecordId, String> snapshot(SyncStore store) {
    Map<RecordId, String> out = new TreeMap<>();
    for (String collection : List.of("notes", "contacts")) {
      for (StoredRecord r : store.list(collection, null, 1_000_000, true)) {
        out.put(
            r.record().id(),
            r.record().version()
                + (r.record().deleted() ? " deleted" : " " + r.record().payload().toUtf8())
                + " meta="
                + r.record().meta().toUtf8());
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
}
