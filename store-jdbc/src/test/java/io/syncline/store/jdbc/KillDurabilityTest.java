package io.syncline.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 8, acknowledged means durable: a child JVM applies batch after batch and prints an
 * acknowledgement after each apply returns; the test kills it with SIGKILL in the middle of its
 * work (on PostgreSQL together with the server processes, fsync and synchronous_commit on, so the
 * server recovers from its WAL like after a crash), reopens the data, and finds every acknowledged
 * batch, and no half of any batch.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KillDurabilityTest {
  /** Acknowledgements to wait for before the kill; the child keeps writing past them. */
  private static final int ACKS_BEFORE_KILL = 25;

  @TempDir Path dir;

  @Test
  void sqliteFullSyncLosesNoAcknowledgedWriteWhenKilled() throws Exception {
    Path file = dir.resolve("replica.db");
    int acked = runAndKill(List.of("sqlite", file.toString(), "FULL"), null);
    try (SyncStore store = JdbcStore.sqlite(file)) {
      verify(store, acked, "SQLite FULL");
    }
  }

  @Test
  void sqliteNormalSyncLosesNoAcknowledgedWriteWhenKilled() throws Exception {
    // NORMAL is documented to survive a killed process (not a power cut): check that much.
    Path file = dir.resolve("replica.db");
    int acked = runAndKill(List.of("sqlite", file.toString(), "NORMAL"), null);
    try (SyncStore store = JdbcStore.builder().sqlite(file).sqliteSync(SqliteSync.NORMAL).build()) {
      verify(store, acked, "SQLite NORMAL");
    }
  }

  @Test
  void postgresLosesNoAcknowledgedWriteWhenWriterAndServerAreKilled() throws Exception {
    Path data = dir.resolve("pgdata");
    int acked = runAndKill(List.of("postgres", data.toString()), data);
    // Same data directory: the server runs crash recovery from its WAL.
    EmbeddedPostgres pg = Postgres.start(data, true);
    try (SyncStore store =
        JdbcStore.builder().postgres(Postgres.url(pg), "postgres", null).build()) {
      verify(store, acked, "PostgreSQL");
    } finally {
      pg.close();
    }
  }

  /**
   * Starts the child, waits for {@link #ACKS_BEFORE_KILL} acknowledgements, kills it (and, with
   * {@code pgData}, every server process of that data directory) with SIGKILL, and returns the last
   * batch it acknowledged.
   */
  private static int runAndKill(List<String> args, Path pgData) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DurabilityChild.class.getName());
    command.addAll(args);
    Path log = Files.createTempFile("durability-child", ".log");
    Process child =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
    int lastAck = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (lastAck < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
        lastAck = ack(line, lastAck);
      }
      assertThat(lastAck)
          .as("child acknowledgements before it ended; its log: %s", Files.readString(log))
          .isEqualTo(ACKS_BEFORE_KILL);

      List<ProcessHandle> victims = new ArrayList<>();
      victims.add(child.toHandle());
      child.toHandle().descendants().forEach(victims::add);
      if (pgData != null) {
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid(pgData)).orElseThrow();
        victims.add(postmaster);
        postmaster.descendants().forEach(victims::add);
      }
      for (ProcessHandle p : victims) {
        p.destroyForcibly(); // SIGKILL
      }
      for (ProcessHandle p : victims) {
        p.onExit().get(30, TimeUnit.SECONDS);
      }
      // What the child printed before it died, read to the end: every batch it acknowledged.
      while ((line = out.readLine()) != null) {
        lastAck = ack(line, lastAck);
      }
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(log);
    }
    return lastAck;
  }

  private static int ack(String line, int last) {
    if (line.startsWith("ACK ")) {
      int n = Integer.parseInt(line.substring(4).trim());
      assertThat(n).isEqualTo(last + 1);
      return n;
    }
    return last;
  }

  private static long postmasterPid(Path pgData) throws IOException {
    return Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
  }

  /** Every acknowledged batch is there; batches are whole; cursor and property agree. */
  private static void verify(SyncStore store, int acked, String what) {
    int stored = Integer.parseInt(store.property("batch").orElse("0"));
    System.out.printf(
        Locale.ROOT,
        "[durability] %s: %d batches acknowledged before the kill, %d found after restart%n",
        what,
        acked,
        stored);
    assertThat(stored).isGreaterThanOrEqualTo(acked);
    // The child was killed while writing, so at most one more batch committed unacknowledged.
    assertThat(stored).isLessThanOrEqualTo(acked + 1);
    assertThat(store.checkpoint(DurabilityChild.PEER, DurabilityChild.SCOPE).orElseThrow())
        .extracting(c -> c.pullCursor())
        .isEqualTo((long) stored);
    for (int b = 1; b <= stored + 1; b++) {
      for (int i = 0; i < DurabilityChild.RECORDS_PER_BATCH; i++) {
        if (b <= stored) {
          StoredRecord r = store.get(DurabilityChild.id(b, i)).orElseThrow();
          assertThat(r.record().payload()).isEqualTo(DurabilityChild.payload(b, i));
        } else {
          assertThat(store.get(DurabilityChild.id(b, i))).isEmpty();
        }
      }
    }
    long records = (long) stored * DurabilityChild.RECORDS_PER_BATCH;
    assertThat(store.headSeq()).isEqualTo(records);
    List<Change> feed = new ArrayList<>();
    long cursor = 0;
    for (int pages = 0; pages <= records; pages++) {
      FeedPage page = store.readFeed(DurabilityChild.SCOPE, cursor, 100, Long.MAX_VALUE, null);
      feed.addAll(page.changes());
      cursor = page.nextCursor();
      if (!page.hasMore()) {
        break;
      }
    }
    assertThat(feed).hasSize((int) records);
  }
}
