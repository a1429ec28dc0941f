package io.syncline.transport.grpc.bench;

import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.Authenticator;
import io.syncline.spi.FeedPage;
import io.syncline.spi.PushRequest;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.LoopbackTransport;
import io.syncline.transport.grpc.GrpcServerLimits;
import io.syncline.transport.grpc.GrpcSyncServer;
import io.syncline.transport.grpc.GrpcSyncTransport;
import io.syncline.transport.grpc.internal.BatchCodec;
import io.syncline.transport.grpc.internal.Methods;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Push throughput, client to server, in changes per second: the engine over gRPC on 127.0.0.1
 * (Netty server and channel, bearer auth, memory stores on both sides) next to a raw gRPC stream of
 * the same bytes in the same run: the very {@code PushBatch} messages the engine's batches encode
 * to, sent on one bidirectional stream to a server that acknowledges each message without decoding
 * it: once with one batch in flight, once with as many in flight as the engine keeps (the
 * transport's default push window). The ratios are what the engine, the codec, validation and the
 * stores cost on top of gRPC itself. Medians of several runs after a warm-up.
 *
 * <pre>
 * mvn -f transport-grpc/pom.xml test-compile exec:java@bench -Dexec.args="1000000 3"
 * </pre>
 *
 * Arguments: changes per run (default 1 000 000), measured runs (default 3), batch size (default
 * 1000).
 */
public final class GrpcThroughputBench {
  private static final String SCOPE = "bench";
  private static final String TOKEN = "bench-token";

  /** Batches in flight: the transport's default push window. */
  private static final int WINDOW = 4;

  /** Medians in changes per second. */
  public record Result(
      int changes,
      int runs,
      int batch,
      double grpc,
      double raw,
      double rawWindowed,
      double inProcess) {
    /** Engine-over-gRPC throughput as a fraction of the raw stream's. */
    public double ratio() {
      return grpc / raw;
    }
  }

  private GrpcThroughputBench() {}

  /** The measuring JVM's settings: a fixed heap, the default collector (G1). */
  static final List<String> JVM_FLAGS = List.of("-Xms3g", "-Xmx3g");

  /**
   * Runs the benchmark in a JVM of its own ({@link #JVM_FLAGS}, plus any flags in the system
   * property {@code bench.jvmArgs}, such as a flight recording), so that neither Maven's code in
   * the same process nor its heap settings weigh on the figures; {@code --here} runs it in this
   * one.
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--here")) {
      measure(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    String extra = System.getProperty("bench.jvmArgs", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.add("-cp");
    command.add(classPath());
    command.add(GrpcThroughputBench.class.getName());
    command.add("--here");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).inheritIO().start();
    int exit = p.waitFor();
    if (exit != 0) {
      throw new IllegalStateException("benchmark JVM exited with " + exit);
    }
  }

  /** The class path this class was loaded from (Maven's exec plugin uses a class loader). */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (ClassLoader l = GrpcThroughputBench.class.getClassLoader(); l != null; l = l.getParent()) {
      if (l instanceof java.net.URLClassLoader u) {
        for (java.net.URL url : u.getURLs()) {
          try {
            entries.add(Path.of(url.toURI()).toString());
          } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return entries.isEmpty()
        ? System.getProperty("java.class.path")
        : String.join(java.io.File.pathSeparator, entries);
  }

  private static void measure(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    System.out.println(format(run(changes, runs, batch)));
  }

  /** The table the main prints. */
  public static String format(Result r) {
    return String.format(
        Locale.ROOT,
        "push throughput, %d changes per run in batches of %d, median of %d runs"
            + " (memory stores, 127.0.0.1, JVM %s)%n"
            + "%-34s %14s %10s%n"
            + "%-34s %14.0f %10.2f%n"
            + "%-34s %14.0f %10.2f%n"
            + "%-34s %14.0f %10.2f%n"
            + "%-34s %14.0f %10.2f%n",
        r.changes(),
        r.batch(),
        r.runs(),
        String.join(" ", JVM_FLAGS),
        "transport",
        "changes/s",
        "ratio",
        "raw gRPC stream, 1 batch in flight",
        r.raw(),
        1.0,
        "raw gRPC stream, " + WINDOW + " in flight",
        r.rawWindowed(),
        r.rawWindowed() / r.raw(),
        "engine over gRPC, " + WINDOW + " in flight",
        r.grpc(),
        r.ratio(),
        "engine in-process",
        r.inProcess(),
        r.inProcess() / r.raw());
  }

  /** Rounds run first and thrown away, while the JIT compiler settles. */
  private static final int WARM_UP_ROUNDS = 2;

  /** Measures all: {@link #WARM_UP_ROUNDS} rounds, then {@code runs} measured rounds. */
  public static Result run(int changes, int runs, int batch) throws Exception {
    if (changes < 1 || runs < 1 || batch < 1) {
      throw new IllegalArgumentException("changes, runs and batch must be positive");
    }
    List<Double> grpc = new ArrayList<>();
    List<Double> raw = new ArrayList<>();
    List<Double> rawWindowed = new ArrayList<>();
    List<Double> inProcess = new ArrayList<>();
    for (int i = 0; i < WARM_UP_ROUNDS + runs; i++) {
      double[] r = once(changes, batch);
      if (i >= WARM_UP_ROUNDS) {
        grpc.add(r[0]);
        raw.add(r[1]);
        inProcess.add(r[2]);
        rawWindowed.add(r[3]);
      }
    }
    return new Result(
        changes, runs, batch, median(grpc), median(raw), median(rawWindowed), median(inProcess));
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static SyncEngine.Builder engine(String id, MemoryStore store) {
    return SyncEngine.builder()
        .replicaId(id)
        .store(store)
        .ioScheduler(Schedulers.trampoline())
        .defaultScope(SCOPE);
  }

  /** One round: {engine over gRPC, raw stream, engine in-process}, in changes per second. */
  private static double[] once(int changes, int batch) throws Exception {
    double inProcess = inProcess(changes, batch);
    MemoryStore clientStore = fill(changes);
    // The same bytes: the push batches of this feed, encoded as the transport encodes them.
    List<byte[]> batches = new ArrayList<>();
    long cursor = 0;
    int n = 0;
    while (true) {
      FeedPage page = clientStore.readFeed(SCOPE, cursor, batch, Long.MAX_VALUE, "server");
      if (page.changes().isEmpty()) {
        break;
      }
      batches.add(BatchCodec.encode(new PushRequest("client", SCOPE, "b" + n++, page.changes())));
      cursor = page.nextCursor();
    }
    double raw = changes / (rawStream(batches, 1) / 1e9);
    double rawWindowed = changes / (rawStream(batches, WINDOW) / 1e9);

    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore).batchLimits(batch, 64L << 20).build();
    GrpcSyncServer grpcServer =
        GrpcSyncServer.builder()
            .port(0)
            .handler(server.handler())
            .authenticator(Authenticator.tokens(Map.of(TOKEN, "bench")))
            // The default rate limit (200 batches/s per peer) would throttle a fast machine.
            .limits(GrpcServerLimits.DEFAULT.withRate(1e6, 1_000_000, Duration.ofSeconds(1)))
            .build()
            .start();
    try (GrpcSyncTransport transport =
        GrpcSyncTransport.builder().target(grpcServer.target()).bearerToken(TOKEN).build()) {
      SyncEngine client =
          engine("client", clientStore)
              .batchLimits(batch, 64L << 20)
              .peer(Peer.of("server", transport, SCOPE))
              .build();
      settle();
      long start = System.nanoTime();
      SyncResult r = client.syncNow().blockingGet();
      long nanos = System.nanoTime() - start;
      if (!r.isSuccess() || r.pushed() != changes || serverStore.headSeq() != changes) {
        throw new IllegalStateException("bench run did not push everything: " + r);
      }
      client.close();
      return new double[] {changes / (nanos / 1e9), raw, inProcess, rawWindowed};
    } finally {
      grpcServer.close();
      server.close();
    }
  }

  /** A client store holding {@code changes} writes of small JSON notes. */
  private static MemoryStore fill(int changes) {
    MemoryStore store = new MemoryStore();
    SyncEngine writer = engine("client", store).build();
    for (int i = 0; i < changes; i++) {
      writer
          .collection("notes")
          .putJson(
              "note-" + i,
              "{\"title\":\"note " + i + "\",\"body\":\"a short body of text\",\"n\":" + i + "}");
    }
    writer.close();
    return store;
  }

  /** The engine over the in-process LoopbackTransport: what the engine and stores cost alone. */
  private static double inProcess(int changes, int batch) {
    MemoryStore clientStore = fill(changes);
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore).batchLimits(batch, 64L << 20).build();
    SyncEngine client =
        engine("client", clientStore)
            .batchLimits(batch, 64L << 20)
            .peer(Peer.of("server", new LoopbackTransport(server.handler()), SCOPE))
            .build();
    settle();
    long start = System.nanoTime();
    SyncResult r = client.syncNow().blockingGet();
    long nanos = System.nanoTime() - start;
    if (!r.isSuccess() || r.pushed() != changes) {
      throw new IllegalStateException("in-process run did not push everything: " + r);
    }
    client.close();
    server.close();
    return changes / (nanos / 1e9);
  }

  /**
   * Collects what earlier phases left behind, so that every measured phase starts from the same
   * heap and none pays for another's garbage.
   */
  private static void settle() {
    System.gc();
  }

  private static void awaitAck(BlockingQueue<Object> acks) throws InterruptedException {
    Object a = acks.poll(30, TimeUnit.SECONDS);
    if (!(a instanceof byte[])) {
      throw new IllegalStateException("raw stream failed: " + a);
    }
  }

  private static final MethodDescriptor<byte[], byte[]> RAW =
      MethodDescriptor.<byte[], byte[]>newBuilder(Methods.BYTES, Methods.BYTES)
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName("bench.Raw/Push")
          .build();

  /** Sends every batch on one stream with at most {@code window} unacknowledged; nanoseconds. */
  private static long rawStream(List<byte[]> batches, int window) throws Exception {
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
    ManagedChannel channel =
        NettyChannelBuilder.forTarget("127.0.0.1:" + server.getPort()).usePlaintext().build();
    try {
      BlockingQueue<Object> acks = new LinkedBlockingQueue<>();
      ClientResponseObserver<byte[], byte[]> observer =
          new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<byte[]> requests) {}

            @Override
            public void onNext(byte[] value) {
              acks.add(value);
            }

            @Override
            public void onError(Throwable t) {
              acks.add(t);
            }

            @Override
            public void onCompleted() {}
          };
      settle();
      long start = System.nanoTime();
      StreamObserver<byte[]> requests =
          ClientCalls.asyncBidiStreamingCall(
              channel.newCall(RAW, io.grpc.CallOptions.DEFAULT), observer);
      int outstanding = 0;
      for (byte[] b : batches) {
        if (outstanding == window) {
          awaitAck(acks);
          outstanding--;
        }
        requests.onNext(b);
        outstanding++;
      }
      for (; outstanding > 0; outstanding--) {
        awaitAck(acks);
      }
      requests.onCompleted();
      return System.nanoTime() - start;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
