package io.syncline.transport.grpc;

import static io.syncline.transport.grpc.GrpcFixtures.ALICE_TOKEN;
import static io.syncline.transport.grpc.GrpcFixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.Authorizer;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several push batches in flight on one gRPC stream to a Netty server on 127.0.0.1: a refusal or a
 * limit in the middle of the window ends the stream there, and the client settles that batch and
 * goes on from its cursor with nothing lost or doubled.
 */
class PipelinedPushTest {
  private static final String SCOPE = "alice";
  private static final int RECORDS = 1000;

  private final FakeClock clock = new FakeClock();
  private final MemoryStore serverStore = new MemoryStore("server-epoch");
  private final SyncEngine server =
      engine("server", serverStore, clock, SCOPE)
          .authorizer(
              new Authorizer() {
                @Override
                public boolean canWrite(String principal, SyncRecord record) {
                  return !record.id().key().equals(key(250));
                }
              })
          .build();
  private GrpcSyncServer grpc;
  private GrpcSyncTransport transport;

  @AfterEach
  void close() {
    transport.close();
    grpc.close();
    server.close();
  }

  private static String key(int i) {
    return String.format(Locale.ROOT, "n%04d", i);
  }

  private SyncEngine client(MemoryStore store, GrpcServerLimits limits) {
    grpc = GrpcFixtures.start(server.handler(), limits, 0);
    transport =
        GrpcSyncTransport.builder()
            .target(grpc.target())
            .bearerToken(ALICE_TOKEN)
            .requestTimeout(Duration.ofSeconds(20))
            .pushWindow(4)
            .build();
    SyncEngine client =
        engine("phone", store, clock, SCOPE)
            .batchLimits(100, 1L << 20)
            .peer(Peer.of("server", transport, SCOPE))
            .build();
    for (int i = 0; i < RECORDS; i++) {
      client.collection("notes").putJson(key(i), "{\"i\":" + i + "}");
    }
    return client;
  }

  @Test
  void aRefusalInTheMiddleOfTheWindowQuarantinesOneChangeAndTheRestArrives() {
    MemoryStore store = new MemoryStore("client-epoch");
    SyncEngine client = client(store, GrpcServerLimits.DEFAULT);

    SyncResult r = client.syncNow().blockingGet();

    assertThat(r.isSuccess()).isTrue();
    assertThat(r.quarantined()).isEqualTo(1);
    assertThat(r.pushed()).isEqualTo(RECORDS - 1);
    assertThat(serverStore.get(RecordId.of("notes", key(250)))).isEmpty();
    assertThat(serverStore.list("notes", null, 10_000, true)).hasSize(RECORDS - 1);
    // The batches sent behind the refused one were never read by the server: each state once.
    assertThat(serverStore.headSeq()).isEqualTo(RECORDS - 1);
    assertThat(client.pendingRecords()).isEmpty();
    client.close();
  }

  @Test
  void aBatchOverTheServersLimitShrinksAndEverythingArrives() {
    MemoryStore store = new MemoryStore("client-epoch");
    SyncEngine client = client(store, GrpcServerLimits.DEFAULT.withMaxBatchChanges(30));

    SyncResult r = client.syncNow().blockingGet();

    assertThat(r.isSuccess()).isTrue();
    assertThat(r.pushed()).isEqualTo(RECORDS - 1);
    assertThat(serverStore.headSeq()).isEqualTo(RECORDS - 1);
    assertThat(client.pendingRecords()).isEmpty();
    client.close();
  }
}
