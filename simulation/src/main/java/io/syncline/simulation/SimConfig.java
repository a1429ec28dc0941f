package io.syncline.simulation;

import io.syncline.engine.Resolvers;
import io.syncline.spi.ConflictResolver;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The shape of one simulated run. {@link #forSeed(long)} derives a varied shape from the seed, so a
 * campaign covers hubs and meshes, small and large runs, both resolvers and every batch size.
 *
 * @param topology a hub (one server, clients syncing with it) or a mesh of peers
 * @param replicas how many replicas, the server included
 * @param steps how many random steps before the network heals
 * @param keys how many distinct records the workload touches (few keys mean many conflicts)
 * @param fieldMerge whether replicas merge JSON fields (else last-writer-wins)
 * @param batchSize the largest push batch
 * @param pushWindow how many push batches a connection carries at once (1 to 4)
 * @param faultPercent the chance, in percent, that a message meets some fault
 * @param storeWrapper wraps each replica's store (planted bugs)
 * @param resolver makes each replica's resolver, or null to follow {@code fieldMerge}
 */
public record SimConfig(
    Topology topology,
    int replicas,
    int steps,
    int keys,
    boolean fieldMerge,
    int batchSize,
    int pushWindow,
    int faultPercent,
    StoreWrapper storeWrapper,
    Supplier<ConflictResolver> resolver) {

  /** How replicas are connected. */
  public enum Topology {
    /** One server; every client syncs with it only. */
    HUB,
    /** Peers on a random connected graph; each serves and syncs. */
    MESH
  }

  /** Validates. */
  public SimConfig {
    Objects.requireNonNull(topology, "topology == null");
    Objects.requireNonNull(storeWrapper, "storeWrapper == null");
    if (replicas < 2 || steps < 1 || keys < 1 || batchSize < 1) {
      throw new IllegalArgumentException("replicas >= 2, steps, keys and batchSize >= 1");
    }
    if (pushWindow < 1) {
      throw new IllegalArgumentException("pushWindow must be >= 1: " + pushWindow);
    }
    if (faultPercent < 0 || faultPercent > 100) {
      throw new IllegalArgumentException("faultPercent must be 0..100: " + faultPercent);
    }
  }

  /** A varied configuration derived from {@code seed} alone. */
  public static SimConfig forSeed(long seed) {
    Random r = new Random(seed ^ 0x5DEECE66DL);
    Topology t = r.nextInt(3) == 0 ? Topology.MESH : Topology.HUB;
    return new SimConfig(
        t,
        2 + r.nextInt(4),
        60 + r.nextInt(140),
        2 + r.nextInt(12),
        r.nextBoolean(),
        1 + r.nextInt(8),
        // From a stream of its own, so that the other parts of a seed's shape stay as they were.
        1 + new Random(seed ^ 0x2545F4914F6CDD1DL).nextInt(4),
        5 + r.nextInt(20),
        StoreWrapper.NONE,
        null);
  }

  /** This configuration with another store wrapper. */
  public SimConfig withStoreWrapper(StoreWrapper wrapper) {
    return new SimConfig(
        topology,
        replicas,
        steps,
        keys,
        fieldMerge,
        batchSize,
        pushWindow,
        faultPercent,
        wrapper,
        resolver);
  }

  /** This configuration with every replica using resolvers from {@code factory}. */
  public SimConfig withResolver(Supplier<ConflictResolver> factory) {
    return new SimConfig(
        topology,
        replicas,
        steps,
        keys,
        fieldMerge,
        batchSize,
        pushWindow,
        faultPercent,
        storeWrapper,
        factory);
  }

  ConflictResolver newResolver() {
    if (resolver != null) {
      return resolver.get();
    }
    return fieldMerge ? Resolvers.fieldMerge() : Resolvers.lastWriterWins();
  }

  @Override
  public String toString() {
    return topology
        + " replicas="
        + replicas
        + " steps="
        + steps
        + " keys="
        + keys
        + (fieldMerge ? " field-merge" : " lww")
        + " batch="
        + batchSize
        + " window="
        + pushWindow
        + " faults="
        + faultPercent
        + "%";
  }
}
