package io.syncline.bench;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.Authenticator;
import io.syncline.spi.CallContext;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Outcome;
import io.syncline.spi.PushRequest;
import io.syncline.spi.SyncHandler;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.LoopbackTransport;
import io.syncline.transport.grpc.GrpcServerLimits;
import io.syncline.transport.grpc.GrpcSyncServer;
import io.syncline.transport.grpc.GrpcSyncTransport;
import io.syncline.transport.grpc.internal.BatchCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Push throughput, client to server, in changes per second: the engine over gRPC on 127.0.0.1
 * (Netty server and channel, bearer auth, memory stores on both sides) next to a raw gRPC stream of
 * the same bytes in the same run: the very {@code PushBatch} messages the engine's batches encode
 * to, sent on one bidirectional stream to a server that acknowledges each message without decoding
 * it: once with one batch in flight, once with as many in flight as the engine keeps (the
 * transport's default push window). The ratios are what the engine, the codec, validation and the
 * stores cost on top of gRPC itself. One more row sends the same messages from a raw client to the
 * engine's own gRPC server: the server's push path alone, without the engine's client sharing the
 * cores. And one does a push's work with no gRPC at all: the feed read and encoding on one thread,
 * the decoding, validation and apply on another. Medians of several runs after a warm-up.
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests exec:exec@grpc-throughput -Dbench.args="changes=1000000 runs=3"
 * </pre>
 *
 * The execution runs it with a fixed heap ({@code -Xms3g -Xmx3g}) and the default collector (G1);
 * {@code -Dbench.jvmArgs=...} adds JVM options, such as a flight recording.
 */
public final class GrpcThroughputBench {
  private static final String SCOPE = "bench";
  private static final String TOKEN = "bench-token";

  /** Batches in flight: the transport's default push window. */
  private static final int WINDOW = 4;

  /**
   * {@code perSecond} holds, for each transport of the table (the keys are its rows), the median
   * changes per second; {@code roundRatios}, engine over gRPC against the raw stream with one batch
   * in flight in each measured round, in order; {@code threadMillis}, when asked for, the median
   * CPU of each kind of thread during the engine-over-gRPC syncs (and, under keys of their own, its
   * waits for a core, sleeps and preemptions), with the median wall time under "wall". {@code cpu}
   * holds, for each transport of the table, the median CPU the whole process used per million
   * changes, in ms (empty where the JVM does not say).
   */
  public record Result(
      int changes,
      int warmUp,
      int runs,
      int batch,
      Map<String, Double> perSecond,
      List<Double> roundRatios,
      Map<String, Long> threadMillis,
      Map<String, Double> cpu) {
    /** The engine over gRPC, in changes per second. */
    public double grpc() {
      return perSecond.get(GRPC);
    }

    /** The raw stream with one batch in flight, in changes per second. */
    public double raw() {
      return perSecond.get(RAW);
    }

    /** Engine-over-gRPC throughput as a fraction of the raw stream's. */
    public double ratio() {
      return grpc() / raw();
    }
  }

  /** The rows of the table, also the keys of {@link Result#cpu}. */
  static final String RAW = "raw gRPC stream, 1 batch in flight";

  static final String RAW_WINDOWED = "raw gRPC stream, " + WINDOW + " in flight";
  static final String GRPC = "engine over gRPC, " + WINDOW + " in flight";
  static final String IN_PROCESS = "engine in-process";
  static final String SERVER_ALONE = "engine's server, raw client, " + WINDOW + " in flight";
  static final String NO_TRANSPORT = "codec and stores on two threads, no gRPC";

  /** The rows, in the table's order. */
  static final List<String> ROWS =
      List.of(RAW, RAW_WINDOWED, GRPC, IN_PROCESS, SERVER_ALONE, NO_TRANSPORT);

  /** One timed phase: changes per second and process CPU per change in ns (-1: unknown). */
  private record Phase(double perSecond, double cpuPerChange) {
    static Phase of(int changes, long nanos, long cpuNanos) {
      return new Phase(changes / (nanos / 1e9), cpuNanos < 0 ? -1 : (double) cpuNanos / changes);
    }
  }

  private GrpcThroughputBench() {}

  /**
   * Runs the benchmark. Arguments: {@code changes} per run (1,000,000), {@code warmup} rounds
   * ({@value #WARM_UP_ROUNDS}), measured {@code runs} (3), {@code batch} size (1,000), {@code
   * threads=1} to print also the CPU of each kind of thread during the engine's syncs, with its
   * waits for a core, sleeps and preemptions (Linux).
   */
  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv);
    int changes = args.integer("changes", 1_000_000);
    int warmUp = args.integer("warmup", WARM_UP_ROUNDS);
    int runs = args.integer("runs", 3);
    int batch = args.integer("batch", 1000);
    boolean threads = args.integer("threads", 0) != 0;
    args.checkAllUsed();
    if (threads && !ThreadCpu.available()) {
      throw new IllegalArgumentException("threads=1 needs Linux's /proc/self/task");
    }
    Result r = run(changes, warmUp, runs, batch, threads);
    System.out.println(format(r));
    if (threads) {
      System.out.println(formatThreads(r));
    }
  }

  /** The table the main prints. */
  public static String format(Result r) {
    return String.format(
            Locale.ROOT,
            "push throughput, %d changes per run in batches of %d, median of %d runs after %d"
                + " warm-up rounds (memory stores, 127.0.0.1, heap %d MiB, %d cores)%n"
                + "%-40s %14s %10s %16s %10s%n",
            r.changes(),
            r.batch(),
            r.runs(),
            r.warmUp(),
            Runtime.getRuntime().maxMemory() >> 20,
            Runtime.getRuntime().availableProcessors(),
            "transport",
            "changes/s",
            "ratio",
            "CPU ms per 1M",
            "CPU ratio")
        + rows(r)
        + String.format(
            Locale.ROOT,
            "engine over gRPC against the raw stream round by round: median %.2f, from %.2f to %.2f%n",
            Stats.median(r.roundRatios()),
            Collections.min(r.roundRatios()),
            Collections.max(r.roundRatios()));
  }

  /**
   * One line of the table: throughput and its ratio to the raw stream's, and the CPU the process
   * used per million changes with its ratio to the raw stream's (what the work costs, whatever the
   * cores).
   */
  private static String rows(Result r) {
    StringBuilder sb = new StringBuilder();
    for (String transport : ROWS) {
      sb.append(row(r, transport));
    }
    return sb.toString();
  }

  private static String row(Result r, String transport) {
    double perSecond = r.perSecond().get(transport);
    Double cpu = r.cpu().get(transport);
    Double rawCpu = r.cpu().get(RAW);
    return String.format(
        Locale.ROOT,
        "%-40s %14.0f %10.2f %16s %10s%n",
        transport,
        perSecond,
        perSecond / r.raw(),
        cpu == null ? "-" : String.format(Locale.ROOT, "%.0f", cpu),
        cpu == null || rawCpu == null ? "-" : String.format(Locale.ROOT, "%.2f", cpu / rawCpu));
  }

  /**
   * Rounds run first and thrown away, while the JIT compiler settles ({@code threads=1} shows its
   * CPU in each engine sync of a measured round): after two, 300 to 700 ms; after five, 70 ms of a
   * sync of 570, and every row, the raw stream's too, still ran slower than it would; after
   * fifteen, 10 to 20 ms.
   */
  static final int WARM_UP_ROUNDS = 15;

  /** The CPU table the main prints with {@code threads=1}. */
  public static String formatThreads(Result r) {
    StringBuilder sb =
        new StringBuilder(
            "per engine-over-gRPC sync, median of "
                + r.runs()
                + " runs (CPU ms unless the line says otherwise):");
    r.threadMillis()
        .forEach((kind, ms) -> sb.append(String.format(Locale.ROOT, "%n  %-42s %6d", kind, ms)));
    return sb.toString();
  }

  /**
   * Measures all: {@code warmUp} rounds, then {@code runs} measured rounds; with {@code threads},
   * also the CPU by kind of thread during the engine-over-gRPC syncs (Linux only).
   */
  public static Result run(int changes, int warmUp, int runs, int batch, boolean threads)
      throws Exception {
    if (changes < 1 || runs < 1 || batch < 1 || warmUp < 0) {
      throw new IllegalArgumentException(
          "changes, runs and batch must be positive, warmup not negative");
    }
    // Each row's figures of the measured rounds: changes per second, and CPU per change.
    Map<String, List<Double>> perSecond = new TreeMap<>();
    Map<String, List<Double>> processCpu = new TreeMap<>();
    List<Double> roundRatios = new ArrayList<>();
    Map<String, List<Double>> threadCpu = new TreeMap<>();
    for (int i = 0; i < warmUp + runs; i++) {
      Map<String, Long> used = threads ? new TreeMap<>() : null;
      Map<String, Phase> round = once(changes, batch, used);
      if (i >= warmUp) {
        round.forEach(
            (row, phase) -> {
              perSecond.computeIfAbsent(row, x -> new ArrayList<>()).add(phase.perSecond());
              if (phase.cpuPerChange() >= 0) {
                // ns per change is ms per million changes
                processCpu.computeIfAbsent(row, x -> new ArrayList<>()).add(phase.cpuPerChange());
              }
            });
        roundRatios.add(round.get(GRPC).perSecond() / round.get(RAW).perSecond());
        if (threads) {
          used.forEach(
              (k, ms) -> threadCpu.computeIfAbsent(k, x -> new ArrayList<>()).add((double) ms));
        }
      }
    }
    Map<String, Long> threadMillis = new TreeMap<>();
    threadCpu.forEach((k, v) -> threadMillis.put(k, Math.round(Stats.median(v))));
    Map<String, Double> cpuPerMillion = new TreeMap<>();
    processCpu.forEach((k, v) -> cpuPerMillion.put(k, Stats.median(v)));
    Map<String, Double> perSecondMedians = new TreeMap<>();
    perSecond.forEach((k, v) -> perSecondMedians.put(k, Stats.median(v)));
    return new Result(
        changes, warmUp, runs, batch, perSecondMedians, roundRatios, threadMillis, cpuPerMillion);
  }

  private static SyncEngine.Builder engine(String id, MemoryStore store) {
    return SyncEngine.builder()
        .replicaId(id)
        .store(store)
        .ioScheduler(Schedulers.trampoline())
        .defaultScope(SCOPE);
  }

  /**
   * One round: each row of the table's phase, by row; fills {@code threadMillis}, unless null, with
   * the CPU of the gRPC sync.
   */
  private static Map<String, Phase> once(int changes, int batch, Map<String, Long> threadMillis)
      throws Exception {
    Phase inProcess = inProcess(changes, batch);
    MemoryStore clientStore = fill(changes);
    // The same bytes: the push batches of this feed, encoded as the transport encodes them.
    List<byte[]> batches = new ArrayList<>();
    encodeFeed(clientStore, batch, batches::add);
    settle();
    RawHops.Stream s = RawHops.grpc(batches, 1, false);
    Phase raw = Phase.of(changes, s.nanos(), s.cpuNanos());
    settle();
    s = RawHops.grpc(batches, WINDOW, false);
    Phase rawWindowed = Phase.of(changes, s.nanos(), s.cpuNanos());
    settle();
    Phase serverAlone = serverAlone(batches, changes, batch);
    settle();
    Phase noTransport = noTransport(clientStore, changes, batch);

    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = serverEngine(serverStore, batch);
    GrpcSyncServer grpcServer = grpcServer(server);
    try (GrpcSyncTransport transport =
        GrpcSyncTransport.builder().target(grpcServer.target()).bearerToken(TOKEN).build()) {
      SyncEngine client =
          engine("client", clientStore)
              .batchLimits(batch, 64L << 20)
              .peer(Peer.of("server", transport, SCOPE))
              .build();
      settle();
      Map<String, Long> before = threadMillis == null ? null : ThreadCpu.snapshot();
      long cpu = ProcessCpu.nanos();
      long start = System.nanoTime();
      SyncResult r = client.syncNow().blockingGet();
      long nanos = System.nanoTime() - start;
      Phase grpc = Phase.of(changes, nanos, ProcessCpu.since(cpu));
      if (threadMillis != null) {
        threadMillis.putAll(ThreadCpu.between(before, ThreadCpu.snapshot()));
        threadMillis.put("wall", nanos / 1_000_000);
      }
      if (!r.isSuccess() || r.pushed() != changes || serverStore.headSeq() != changes) {
        throw new IllegalStateException("bench run did not push everything: " + r);
      }
      client.close();
      return Map.of(
          RAW,
          raw,
          RAW_WINDOWED,
          rawWindowed,
          GRPC,
          grpc,
          IN_PROCESS,
          inProcess,
          SERVER_ALONE,
          serverAlone,
          NO_TRANSPORT,
          noTransport);
    } finally {
      grpcServer.close();
      server.close();
    }
  }

  /** The server's engine over {@code store}, taking batches of up to {@code batch} changes. */
  private static SyncEngine serverEngine(MemoryStore store, int batch) {
    return engine("server", store).batchLimits(batch, 64L << 20).build();
  }

  private static void checkApplied(MemoryStore serverStore, int changes) {
    if (serverStore.headSeq() != changes) {
      throw new IllegalStateException(
          "the server applied " + serverStore.headSeq() + " of " + changes + " changes");
    }
  }

  /** A gRPC server on 127.0.0.1 in front of {@code server}, taking the bench's token. */
  private static GrpcSyncServer grpcServer(SyncEngine server) throws java.io.IOException {
    return GrpcSyncServer.builder()
        .port(0)
        .handler(server.handler())
        .authenticator(Authenticator.tokens(Map.of(TOKEN, "bench")))
        // The default rate limit (200 batches/s per peer) would throttle a fast machine.
        .limits(GrpcServerLimits.DEFAULT.withRate(1e6, 1_000_000, Duration.ofSeconds(1)))
        .build()
        .start();
  }

  /**
   * The engine's gRPC server and memory store taking {@code batches} from a raw client that only
   * writes the bytes, {@value #WINDOW} in flight: what the server's push path costs and allows with
   * no engine client beside it.
   */
  private static Phase serverAlone(List<byte[]> batches, int changes, int batch) throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = serverEngine(serverStore, batch);
    GrpcSyncServer grpcServer = grpcServer(server);
    try {
      RawHops.Stream s = RawHops.grpcPush(batches, WINDOW, grpcServer.target(), TOKEN);
      checkApplied(serverStore, changes);
      return Phase.of(changes, s.nanos(), s.cpuNanos());
    } finally {
      grpcServer.close();
      server.close();
    }
  }

  /**
   * The work of a push with no gRPC: one thread reads the client's feed and encodes each page as
   * the transport does, the calling thread decodes each batch and hands it to the server engine's
   * handler (validation and apply), and the two pass the encoded batches through a queue of {@value
   * #WINDOW}.
   */
  private static Phase noTransport(MemoryStore clientStore, int changes, int batch)
      throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = serverEngine(serverStore, batch);
    SyncHandler handler = server.handler();
    BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(WINDOW);
    byte[] end = new byte[0];
    AtomicReference<Throwable> readFailure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                encodeFeed(clientStore, batch, b -> hand(queue, b));
                hand(queue, end);
              } catch (Throwable t) {
                // Whatever is queued is dropped: the run fails with this, at once.
                readFailure.set(t);
                queue.clear();
                queue.offer(end);
              }
            },
            "bench-feed-reader");
    try {
      long cpu = ProcessCpu.nanos();
      long start = System.nanoTime();
      reader.start();
      for (byte[] b = take(queue); b != end; b = take(queue)) {
        Outcome outcome = handler.push(CallContext.IN_PROCESS, BatchCodec.decodePush(b, batch));
        if (!(outcome instanceof Outcome.Success)) {
          throw new IllegalStateException("the server refused a batch: " + outcome);
        }
      }
      long nanos = System.nanoTime() - start;
      long cpuNanos = ProcessCpu.since(cpu);
      reader.join();
      if (readFailure.get() != null) {
        throw new IllegalStateException("reading the feed failed", readFailure.get());
      }
      checkApplied(serverStore, changes);
      return Phase.of(changes, nanos, cpuNanos);
    } finally {
      reader.interrupt();
      reader.join();
      server.close();
    }
  }

  /** Where {@link #encodeFeed} puts each batch. */
  private interface BatchSink {
    void accept(byte[] batch) throws InterruptedException;
  }

  /**
   * Reads the client's feed page by page, as the server's peer ("server" is left out as a source),
   * and gives {@code sink} each page encoded as the transport's push batch.
   */
  private static void encodeFeed(MemoryStore clientStore, int batch, BatchSink sink)
      throws InterruptedException {
    long cursor = 0;
    int n = 0;
    while (true) {
      FeedPage page = clientStore.readFeed(SCOPE, cursor, batch, Long.MAX_VALUE, "server");
      if (page.changes().isEmpty()) {
        return;
      }
      sink.accept(BatchCodec.encode(new PushRequest("client", SCOPE, "b" + n++, page.changes())));
      cursor = page.nextCursor();
    }
  }

  private static void hand(BlockingQueue<byte[]> queue, byte[] b) throws InterruptedException {
    if (!queue.offer(b, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("nobody took a batch for 60 s");
    }
  }

  private static byte[] take(BlockingQueue<byte[]> queue) throws InterruptedException {
    byte[] b = queue.poll(60, TimeUnit.SECONDS);
    if (b == null) {
      throw new IllegalStateException("no batch came for 60 s");
    }
    return b;
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
  private static Phase inProcess(int changes, int batch) {
    MemoryStore clientStore = fill(changes);
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = serverEngine(serverStore, batch);
    SyncEngine client =
        engine("client", clientStore)
            .batchLimits(batch, 64L << 20)
            .peer(Peer.of("server", new LoopbackTransport(server.handler()), SCOPE))
            .build();
    settle();
    long cpu = ProcessCpu.nanos();
    long start = System.nanoTime();
    SyncResult r = client.syncNow().blockingGet();
    long nanos = System.nanoTime() - start;
    long cpuNanos = ProcessCpu.since(cpu);
    if (!r.isSuccess() || r.pushed() != changes) {
      throw new IllegalStateException("in-process run did not push everything: " + r);
    }
    client.close();
    server.close();
    return Phase.of(changes, nanos, cpuNanos);
  }

  /**
   * Collects what earlier phases left behind, so that every measured phase starts from the same
   * heap and none pays for another's garbage.
   */
  private static void settle() {
    System.gc();
  }
}
