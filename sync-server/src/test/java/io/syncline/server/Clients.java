package io.syncline.server;

import io.syncline.engine.Peer;
import io.syncline.engine.Resolvers;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.SyncTransport;
import io.syncline.store.memory.MemoryStore;
import io.syncline.transport.grpc.GrpcSyncTransport;
import io.syncline.transport.http.HttpSyncTransport;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/** Client replicas for server tests. */
final class Clients {
  private Clients() {}

  static SyncEngine client(String id, SyncStore store, URI server, String token, String scope) {
    return client(
        id, store, HttpSyncTransport.builder().baseUri(server).bearerToken(token).build(), scope);
  }

  /** A client syncing over gRPC with the server at {@code target}. */
  static SyncEngine grpcClient(
      String id, SyncStore store, String target, String token, String scope) {
    return client(
        id, store, GrpcSyncTransport.builder().target(target).bearerToken(token).build(), scope);
  }

  static SyncEngine client(String id, SyncStore store, SyncTransport transport, String scope) {
    return SyncEngine.builder()
        .replicaId(id)
        .store(store)
        .resolver(Resolvers.fieldMerge())
        .defaultScope(scope)
        .peer(Peer.of("server", transport, scope))
        .build();
  }

  static SyncEngine client(String id, URI server, String token, String scope) {
    return client(id, new MemoryStore(), server, token, scope);
  }

  static Map<String, String> snapshot(SyncStore store) {
    Map<String, String> m = new TreeMap<>();
    for (StoredRecord r : store.list("notes", null, 100_000, true)) {
      m.put(
          r.record().id().key(),
          r.record().version()
              + (r.record().deleted() ? " deleted" : " " + r.record().payload().toUtf8()));
    }
    return m;
  }
}
