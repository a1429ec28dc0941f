package io.syncline.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.syncline.spi.Change;
import io.syncline.spi.Payload;
import io.syncline.spi.Protocol;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.transport.grpc.internal.BatchCodec;
import io.syncline.transport.grpc.internal.Methods;
import io.syncline.transport.grpc.internal.StatusMapping;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The raw limits of each hop of the trip, on the same rows and bytes: a batched upsert with plain
 * JDBC into SQLite and into PostgreSQL (a table shaped like the store's records table: primary key
 * on collection and key, an index on scope and seq), and a raw gRPC stream of the very push
 * messages the engine sends, and the same messages pushed by a raw client to the engine's own gRPC
 * server. Each returns nanoseconds for {@code records} rows.
 */
public final class RawHops {
  private static final String TABLE =
      "CREATE TABLE raw_records (collection TEXT NOT NULL, rkey %s NOT NULL, scope TEXT NOT NULL,"
          + " stamp BIGINT NOT NULL, replica TEXT NOT NULL, deleted BOOLEAN NOT NULL,"
          + " payload %s NOT NULL, seq BIGINT, PRIMARY KEY (collection, rkey))";
  private static final String UPSERT =
      "INSERT INTO raw_records (collection, rkey, scope, stamp, replica, deleted, payload, seq)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (collection, rkey) DO UPDATE SET"
          + " stamp = excluded.stamp, replica = excluded.replica, deleted = excluded.deleted,"
          + " payload = excluded.payload, seq = excluded.seq";

  private RawHops() {}

  /**
   * SQLite: one file in WAL mode with {@code synchronous=FULL} (the store's default), every row in
   * one transaction, JDBC batches of {@code batch}.
   */
  public static long sqlite(Path file, int records, int batch) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute(String.format(TABLE, "BLOB", "BLOB"));
        s.execute("CREATE INDEX raw_feed ON raw_records (scope, seq)");
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      upsert(c, records, batch);
      c.commit();
      return System.nanoTime() - start;
    }
  }

  /**
   * PostgreSQL (fsync and synchronous_commit on): every row in one transaction, JDBC batches of
   * {@code batch} with pgjdbc's multi-row rewrite on (the fastest plain JDBC path).
   */
  public static long postgres(BenchPostgres pg, int records, int batch) throws SQLException {
    String schema = BenchPostgres.freshSchema("raw");
    try (Connection c = pg.connect(true)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
        s.execute("SET search_path TO " + schema);
        s.execute(String.format(TABLE, "BYTEA", "BYTEA"));
        s.execute("CREATE INDEX raw_feed ON raw_records (scope, seq)");
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      upsert(c, records, batch);
      c.commit();
      long nanos = System.nanoTime() - start;
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
      return nanos;
    }
  }

  private static void upsert(Connection c, int records, int batch) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
      for (int i = 0; i < records; i++) {
        ps.setString(1, Payloads.COLLECTION);
        ps.setBytes(2, Payloads.key(i).getBytes(StandardCharsets.UTF_16BE));
        ps.setString(3, Nodes.SCOPE);
        ps.setLong(4, Version.of(1_700_000_000_000L, 0, "a").stamp());
        ps.setString(5, "a");
        ps.setBoolean(6, false);
        ps.setBytes(7, Payloads.json(i, 0).getBytes(StandardCharsets.UTF_8));
        ps.setLong(8, i + 1L);
        ps.addBatch();
        if ((i + 1) % batch == 0 || i == records - 1) {
          ps.executeBatch();
        }
      }
    }
  }

  /**
   * The push messages (gRPC {@code PushBatch}) that {@code records} records encode to, {@code
   * batch} per message, as the engine's transport encodes them.
   */
  public static List<byte[]> pushMessages(int records, int batch) {
    List<byte[]> out = new ArrayList<>();
    List<Change> changes = new ArrayList<>(batch);
    long stamp = Version.of(1_700_000_000_000L, 0, "a").stamp();
    for (int i = 0; i < records; i++) {
      SyncRecord r =
          SyncRecord.live(
              RecordId.of(Payloads.COLLECTION, Payloads.key(i)),
              Nodes.SCOPE,
              new Version(stamp + i, "a"),
              Payload.utf8(Payloads.json(i, 0)));
      changes.add(new Change(r, i + 1L));
      if (changes.size() == batch || i == records - 1) {
        out.add(BatchCodec.encode(new PushRequest("a", Nodes.SCOPE, "b" + out.size(), changes)));
        changes.clear();
      }
    }
    return out;
  }

  private static final MethodDescriptor<byte[], byte[]> RAW =
      MethodDescriptor.<byte[], byte[]>newBuilder(Methods.BYTES, Methods.BYTES)
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName("bench.Raw/Push")
          .build();

  /**
   * The result of a raw stream: nanoseconds, bytes on the wire, and the CPU the whole process used
   * meanwhile, in nanoseconds (-1 where the JVM does not say).
   */
  public record Stream(long nanos, long wireBytes, long cpuNanos) {}

  /**
   * Sends {@code messages} on one bidirectional gRPC stream to a server that acknowledges each
   * message without decoding it, with at most {@code window} unacknowledged (1 is the protocol's
   * own exchange pattern); through a byte-counting relay if {@code relayed}, else straight to the
   * server (and the wire bytes are 0).
   */
  public static Stream grpc(List<byte[]> messages, int window, boolean relayed) throws Exception {
    byte[] ack = new byte[8];
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("bench.Raw")
            .addMethod(
                RAW,
                ServerCalls.asyncBidiStreamingCall(
                    (StreamObserver<byte[]> out) ->
                        new StreamObserver<byte[]>() {
                          @Override
                          public void onNext(byte[] message) {
                            out.onNext(ack);
                          }

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {
                            out.onCompleted();
                          }
                        }))
            .build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(service)
            .maxInboundMessageSize(64 << 20)
            .build()
            .start();
    ByteCountingRelay relay = relayed ? ByteCountingRelay.start(server.getPort()) : null;
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(relayed ? relay.target() : "127.0.0.1:" + server.getPort())
            .usePlaintext()
            .build();
    try {
      Stream s = send(channel, RAW, messages, window);
      return new Stream(s.nanos(), relayed ? relay.totalBytes() : 0, s.cpuNanos());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      if (relayed) {
        relay.close();
      }
    }
  }

  /**
   * Sends {@code messages}, push batches already encoded, on one push call to a running {@code
   * GrpcSyncServer} at {@code target}, with at most {@code window} unacknowledged: the server's
   * whole push path (decoding, validation, the engine's apply, the acknowledgement) fed by a client
   * that only writes bytes. Returns when every batch is acknowledged; a refused batch fails it.
   */
  public static Stream grpcPush(List<byte[]> messages, int window, String target, String token)
      throws Exception {
    Metadata headers = new Metadata();
    headers.put(StatusMapping.PROTOCOL, Integer.toString(Protocol.VERSION));
    headers.put(StatusMapping.AUTHORIZATION, "Bearer " + token);
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(target)
            .usePlaintext()
            .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
            .build();
    try {
      return send(channel, Methods.PUSH, messages, window);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Sends {@code messages} on a new call of {@code method}, with at most {@code window} not yet
   * answered, and waits for every answer; the wire bytes of the result are 0.
   */
  private static <R> Stream send(
      ManagedChannel channel, MethodDescriptor<byte[], R> method, List<byte[]> messages, int window)
      throws InterruptedException {
    BlockingQueue<Object> acks = new LinkedBlockingQueue<>();
    ClientResponseObserver<byte[], R> observer =
        new ClientResponseObserver<>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<byte[]> requests) {}

          @Override
          public void onNext(R answer) {
            acks.add(ANSWERED);
          }

          @Override
          public void onError(Throwable t) {
            acks.add(t);
          }

          @Override
          public void onCompleted() {}
        };
    long cpu = ProcessCpu.nanos();
    long start = System.nanoTime();
    StreamObserver<byte[]> requests =
        ClientCalls.asyncBidiStreamingCall(channel.newCall(method, CallOptions.DEFAULT), observer);
    int outstanding = 0;
    for (byte[] m : messages) {
      if (outstanding == window) {
        awaitAck(acks);
        outstanding--;
      }
      requests.onNext(m);
      outstanding++;
    }
    for (; outstanding > 0; outstanding--) {
      awaitAck(acks);
    }
    requests.onCompleted();
    long nanos = System.nanoTime() - start;
    return new Stream(nanos, 0, ProcessCpu.since(cpu));
  }

  /** What {@link #send} queues for each answer. */
  private static final Object ANSWERED = new Object();

  private static void awaitAck(BlockingQueue<Object> acks) throws InterruptedException {
    Object a = acks.poll(60, TimeUnit.SECONDS);
    if (a != ANSWERED) {
      throw new IllegalStateException("raw stream failed: " + a);
    }
  }
}
