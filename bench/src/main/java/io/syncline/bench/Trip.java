package io.syncline.bench;

import com.fasterxml.jackson.databind.util.RawValue;
import io.reactivex.rxjava3.disposables.Disposable;
import io.syncline.engine.SyncCollection;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncStore;
import io.syncline.store.jdbc.JdbcStore;
import io.syncline.transport.grpc.GrpcSyncTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One end-to-end trip: client A (SQLite) pushes over gRPC to a server on PostgreSQL, and client B
 * (SQLite) follows the server live, so that B pulls while A pushes. Then a 1% delta the same way,
 * then no-op syncs. Both clients reach the server through {@link ByteCountingRelay}s.
 */
public final class Trip {

  /** What one trip measured. Times in nanoseconds, bytes on the wire (both directions). */
  public record Figures(
      int records,
      long fillNanos,
      long fullNanos,
      long pushDoneNanos,
      long fullBytesA,
      long fullBytesB,
      int deltaRecords,
      long deltaNanos,
      long deltaBytes,
      double[] noopMillisA,
      double[] noopMillisB,
      long noopBytes) {
    /** Changes per second A → server → B. */
    public double changesPerSecond() {
      return records / (fullNanos / 1e9);
    }

    /** Both legs' bytes of the full sync. */
    public long fullBytes() {
      return fullBytesA + fullBytesB;
    }
  }

  private Trip() {}

  /**
   * Runs a trip: fills A with {@code records} records (not timed as sync), then times the full
   * sync, a delta of {@code records / 100} changed records, and {@code noopSamples} no-op syncs of
   * each client.
   */
  public static Figures run(
      BenchPostgres.Db db, Path dir, int records, int batch, int noopSamples, long timeoutSeconds)
      throws Exception {
    return run(db, dir, records, batch, noopSamples, timeoutSeconds, true);
  }

  /**
   * Runs a trip; with {@code live} false, B does not follow the server: A pushes everything, then B
   * pulls it (the legs one after the other), and {@link Figures#pushDoneNanos()} is where the first
   * leg ended.
   */
  public static Figures run(
      BenchPostgres.Db db,
      Path dir,
      int records,
      int batch,
      int noopSamples,
      long timeoutSeconds,
      boolean live)
      throws Exception {
    try (JdbcStore storeA = JdbcStore.sqlite(dir.resolve("a.db"));
        JdbcStore storeB = JdbcStore.sqlite(dir.resolve("b.db"));
        JdbcStore serverStore =
            JdbcStore.builder()
                .postgres(db.url(), db.user(), db.password())
                .schema(BenchPostgres.freshSchema("trip"))
                .build();
        Nodes.Server server = Nodes.server(serverStore, batch, 100);
        ByteCountingRelay relayA = ByteCountingRelay.start(server.port());
        ByteCountingRelay relayB = ByteCountingRelay.start(server.port());
        GrpcSyncTransport transportA = Nodes.client(relayA.target());
        GrpcSyncTransport transportB = Nodes.client(relayB.target());
        SyncEngine a = Nodes.engine("a", storeA, batch).peer(Nodes.serverPeer(transportA)).build();
        SyncEngine b =
            Nodes.engine("b", storeB, batch).peer(Nodes.serverPeer(transportB)).build()) {
      long fillStart = System.nanoTime();
      fill(a, 0, records, 0);
      long fillNanos = System.nanoTime() - fillStart;

      if (live) {
        b.startLive();
      }
      long start = System.nanoTime();
      CompletableFuture<Long> pushDone = syncAsync(a, start);
      if (!live) {
        pushDone.get(timeoutSeconds, TimeUnit.SECONDS);
        syncAsync(b, start).get(timeoutSeconds, TimeUnit.SECONDS);
      }
      waitForSeq(storeB, records, start, timeoutSeconds);
      long fullNanos = System.nanoTime() - start;
      long pushDoneNanos = pushDone.get(timeoutSeconds, TimeUnit.SECONDS);
      checkSame(storeA, storeB, records, 0);
      long fullBytesA = relayA.totalBytes();
      long fullBytesB = relayB.totalBytes();

      int delta = Math.max(1, records / 100);
      long before = relayA.totalBytes() + relayB.totalBytes();
      changeEveryHundredth(a, records);
      start = System.nanoTime();
      pushDone = syncAsync(a, start);
      if (!live) {
        pushDone.get(timeoutSeconds, TimeUnit.SECONDS);
        syncAsync(b, start).get(timeoutSeconds, TimeUnit.SECONDS);
      }
      waitForSeq(storeB, (long) records + delta, start, timeoutSeconds);
      long deltaNanos = System.nanoTime() - start;
      pushDone.get(timeoutSeconds, TimeUnit.SECONDS);
      checkSame(storeA, storeB, records, 1);
      long deltaBytes = relayA.totalBytes() + relayB.totalBytes() - before;

      if (live) {
        b.stopLive();
      }
      double[] noopA = new double[noopSamples];
      double[] noopB = new double[noopSamples];
      // As many untimed first: the no-op path (handshake, empty reads) is otherwise still cold,
      // since the full sync and the delta exercised it only a few times.
      for (int i = 0; i < noopSamples; i++) {
        timedNoop(a);
        timedNoop(b);
      }
      long beforeNoop = relayA.totalBytes() + relayB.totalBytes();
      for (int i = 0; i < noopSamples; i++) {
        noopA[i] = timedNoop(a);
        noopB[i] = timedNoop(b);
      }
      long noopBytes =
          noopSamples == 0
              ? 0
              : (relayA.totalBytes() + relayB.totalBytes() - beforeNoop) / (2L * noopSamples);
      return new Figures(
          records,
          fillNanos,
          fullNanos,
          pushDoneNanos,
          fullBytesA,
          fullBytesB,
          delta,
          deltaNanos,
          deltaBytes,
          noopA,
          noopB,
          noopBytes);
    }
  }

  /** Writes records {@code from..to-1} at revision {@code rev}, 1,000 per transaction. */
  public static void fill(SyncEngine engine, int from, int to, int rev) {
    SyncCollection<RawValue> c = engine.collection(Payloads.COLLECTION, RawValue.class);
    TreeMap<String, RawValue> chunk = new TreeMap<>();
    for (int i = from; i < to; i++) {
      chunk.put(Payloads.key(i), new RawValue(Payloads.json(i, rev)));
      if (chunk.size() == 1000 || i == to - 1) {
        c.putAll(chunk);
        chunk.clear();
      }
    }
  }

  /** Changes every hundredth record (1%) to revision 1, in one transaction per 1,000. */
  static void changeEveryHundredth(SyncEngine engine, int records) {
    SyncCollection<RawValue> c = engine.collection(Payloads.COLLECTION, RawValue.class);
    TreeMap<String, RawValue> chunk = new TreeMap<>();
    int delta = Math.max(1, records / 100);
    for (int k = 0; k < delta; k++) {
      int i = k * 100;
      chunk.put(Payloads.key(i), new RawValue(Payloads.json(i, 1)));
      if (chunk.size() == 1000 || k == delta - 1) {
        c.putAll(chunk);
        chunk.clear();
      }
    }
  }

  /** Starts a sync of {@code engine}; completes with the nanoseconds from {@code start}. */
  static CompletableFuture<Long> syncAsync(SyncEngine engine, long start) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Disposable unused =
        engine
            .syncNow()
            .subscribe(
                r -> {
                  if (r.isSuccess()) {
                    done.complete(System.nanoTime() - start);
                  } else {
                    done.completeExceptionally(new IllegalStateException("sync failed: " + r));
                  }
                },
                done::completeExceptionally);
    return done;
  }

  /** Waits until {@code store}'s feed reaches {@code seq}; polls every 2 ms, bounded. */
  static void waitForSeq(SyncStore store, long seq, long start, long timeoutSeconds)
      throws InterruptedException {
    long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (store.headSeq() < seq) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeoutSeconds + " s at seq " + store.headSeq() + " of " + seq);
      }
      Thread.sleep(2);
    }
  }

  private static double timedNoop(SyncEngine engine) {
    long t = System.nanoTime();
    SyncResult r = engine.syncNow().blockingGet();
    double ms = (System.nanoTime() - t) / 1e6;
    if (!r.isSuccess() || r.pushed() != 0 || r.pulled() != 0) {
      throw new IllegalStateException("a no-op sync moved changes: " + r);
    }
    return ms;
  }

  /** Checks a spread of records: B holds exactly what A wrote, at the given revision. */
  static void checkSame(SyncStore a, SyncStore b, int records, int deltaRev) {
    int step = Math.max(1, records / 1000);
    for (int i = 0; i < records; i += step) {
      RecordId id = RecordId.of(Payloads.COLLECTION, Payloads.key(i));
      StoredRecord ra = a.get(id).orElseThrow(() -> new IllegalStateException("A lacks " + id));
      StoredRecord rb = b.get(id).orElseThrow(() -> new IllegalStateException("B lacks " + id));
      byte[] expected =
          Payloads.json(i, deltaRev == 1 && i % 100 == 0 ? 1 : 0).getBytes(StandardCharsets.UTF_8);
      if (!ra.record().version().equals(rb.record().version())
          || !Arrays.equals(rb.record().payload().toByteArray(), expected)) {
        throw new IllegalStateException("B differs from A at " + id);
      }
    }
  }

  /** Deletes a directory tree of SQLite files. */
  static void deleteTree(Path dir) throws IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (var s = java.nio.file.Files.walk(dir)) {
      s.forEach(paths::add);
    }
    for (int i = paths.size() - 1; i >= 0; i--) {
      java.nio.file.Files.deleteIfExists(paths.get(i));
    }
  }
}
