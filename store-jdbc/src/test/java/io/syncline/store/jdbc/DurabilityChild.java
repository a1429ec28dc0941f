package io.syncline.store.jdbc;

import io.syncline.spi.Checkpoint;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The process {@link KillDurabilityTest} kills: it opens a store and applies batch after batch,
 * printing {@code ACK n} once apply of batch n has returned, until it is killed.
 *
 * <p>Arguments: {@code sqlite FILE FULL|NORMAL}, or {@code postgres DATA_DIR} (then it also runs
 * the PostgreSQL server, durable, on that data directory, and dies with it).
 */
public final class DurabilityChild {
  static final String SCOPE = "durable";
  static final String PEER = "server";
  static final int RECORDS_PER_BATCH = 10;
  private static final int MAX_BATCHES = 100_000;

  private DurabilityChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    SyncStore store;
    if (args[0].equals("sqlite")) {
      store =
          JdbcStore.builder()
              .sqlite(Path.of(args[1]))
              .sqliteSync(SqliteSync.valueOf(args[2]))
              .build();
    } else {
      EmbeddedPostgres pg = Postgres.start(Path.of(args[1]), true);
      store = JdbcStore.builder().postgres(Postgres.url(pg), "postgres", null).build();
    }
    out.println("READY");
    for (int batch = 1; batch <= MAX_BATCHES; batch++) {
      store.apply(batch(batch));
      out.println("ACK " + batch);
    }
  }

  /** Batch {@code n}: its records, the checkpoint and a property, all in one write set. */
  static WriteSet batch(int n) {
    WriteSet.Builder b = WriteSet.builder();
    for (int i = 0; i < RECORDS_PER_BATCH; i++) {
      b.write(SyncRecord.live(id(n, i), SCOPE, Version.of(n, 0, "child"), payload(n, i)), "server");
    }
    return b.checkpoint(new Checkpoint(PEER, SCOPE, n, 0, "e1"))
        .property("batch", Integer.toString(n))
        .build();
  }

  static RecordId id(int batch, int i) {
    return RecordId.of("items", "b" + batch + "-" + i);
  }

  static Payload payload(int batch, int i) {
    return Payload.utf8("{\"batch\":" + batch + ",\"i\":" + i + "}");
  }
}
