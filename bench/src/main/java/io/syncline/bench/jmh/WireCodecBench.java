package io.syncline.bench.jmh;

import io.syncline.bench.Nodes;
import io.syncline.bench.Payloads;
import io.syncline.spi.Change;
import io.syncline.spi.Payload;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.transport.grpc.internal.BatchCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gRPC transport's codec on a push batch of 1,000 records of 200 bytes: encoding to bytes and
 * decoding from bytes (protobuf parsing plus the SPI values' validation). Scores are records per
 * second.
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests exec:exec@jmh -Djmh.args="WireCodecBench"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class WireCodecBench {
  static final int BATCH = 1000;

  private PushRequest request;
  private byte[] bytes;

  @Setup
  public void prepare() {
    List<Change> changes = new ArrayList<>();
    long stamp = Version.of(1_700_000_000_000L, 0, "a").stamp();
    for (int i = 0; i < BATCH; i++) {
      changes.add(
          new Change(
              SyncRecord.live(
                  RecordId.of(Payloads.COLLECTION, Payloads.key(i)),
                  Nodes.SCOPE,
                  new Version(stamp + i, "a"),
                  Payload.utf8(Payloads.json(i, 0))),
              i + 1L));
    }
    request = new PushRequest("a", Nodes.SCOPE, "batch", changes);
    bytes = BatchCodec.encode(request);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] encode() {
    return BatchCodec.encode(request);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public PushRequest decode() throws Exception {
    return BatchCodec.decodePush(bytes, BATCH);
  }
}
