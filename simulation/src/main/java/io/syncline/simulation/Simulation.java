package io.syncline.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.InboundLimits;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncCollection;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.engine.WriteReceipt;
import io.syncline.spi.ApplyResult;
import io.syncline.spi.CallContext;
import io.syncline.spi.Change;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.Clock;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.Outcome;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncHandler;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncTransport;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.EagerPushes;
import io.syncline.testkit.ForwardingStore;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One deterministic simulated run: replicas, network, clocks, workload, crashes and invariant
 * checks, all drawn from one seed. Two runs with the same seed and configuration do exactly the
 * same thing. Single-threaded: everything happens on the calling thread.
 *
 * <pre>{@code
 * Report r = Simulation.run(42, SimConfig.forSeed(42), false);
 * if (!r.passed()) System.out.println(r.violations() + "\n" + r.replayCommand());
 * }</pre>
 *
 * <p>Invariants checked: every store applies each version of a record at most once (idempotent
 * apply); cursors never move backwards and are never reset (no store here is ever replaced);
 * nothing is sent back to the replica it came from; and at quiescence, after the network heals,
 * every replica holds the same records, each at the highest version any replica ever created for
 * it, with that version's content (convergence; no acknowledged write lost; no delete resurrected),
 * and nothing sits in a quarantine.
 */
public final class Simulation {
  private static final String[] SCOPES = {"s0", "s1"};
  private static final String[] FIELDS = {"a", "b", "c"};

  private final long seed;
  private final SimConfig config;
  private final boolean tracing;
  private final Random rnd;
  private final Node[] nodes;
  private final TreeSet<String> downLinks = new TreeSet<>();
  private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
  private final List<String> violations = new ArrayList<>();
  private final List<String> trace = new ArrayList<>();
  private final List<Stale> stale = new ArrayList<>();
  private final Map<RecordId, SyncRecord> created = new TreeMap<>();
  private final Map<RecordId, Version> acknowledged = new TreeMap<>();
  private long now = 1_767_225_600_000L;
  private boolean faultsOn = true;
  private int operations;
  private int crashes;
  private int step;

  private enum CrashMode {
    NONE,
    BEFORE,
    INSIDE,
    AFTER
  }

  private record Stale(int to, PushRequest request) {}

  private Simulation(long seed, SimConfig config, boolean tracing) {
    this.seed = seed;
    this.config = config;
    this.tracing = tracing;
    this.rnd = new Random(seed);
    this.nodes = new Node[config.replicas()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new Node(i);
    }
    wire();
    for (Node n : nodes) {
      n.start();
    }
  }

  /** Runs {@code seed} with {@code config}; {@code tracing} records every step in the report. */
  public static Report run(long seed, SimConfig config, boolean tracing) {
    Simulation s = new Simulation(seed, config, tracing);
    try {
      s.runSteps();
      s.quiesce();
      s.checkFinalState();
    } catch (RuntimeException | AssertionError e) {
      s.violation("unexpected " + e);
    }
    return new Report(
        seed,
        config.toString(),
        s.operations,
        new EnumMap<>(s.faults),
        s.crashes,
        List.copyOf(s.violations),
        List.copyOf(s.trace));
  }

  /** Runs {@code seed} with the configuration derived from it. */
  public static Report run(long seed) {
    return run(seed, SimConfig.forSeed(seed), false);
  }

  // ---- topology ----

  private void wire() {
    if (config.topology() == SimConfig.Topology.HUB) {
      for (int i = 1; i < nodes.length; i++) {
        nodes[i].peers.add(0);
      }
      return;
    }
    // A random spanning tree plus a few extra links; each link is synced by its lower end.
    for (int i = 1; i < nodes.length; i++) {
      int j = rnd.nextInt(i);
      nodes[j].peers.add(i);
    }
    for (int k = 0; k < nodes.length / 2; k++) {
      int a = rnd.nextInt(nodes.length);
      int b = rnd.nextInt(nodes.length);
      if (a < b && !nodes[a].peers.contains(b)) {
        nodes[a].peers.add(b);
      }
    }
  }

  private boolean linkDown(int a, int b) {
    return downLinks.contains(Math.min(a, b) + "-" + Math.max(a, b));
  }

  // ---- the run ----

  private void runSteps() {
    for (step = 0; step < config.steps(); step++) {
      int r = rnd.nextInt(100);
      if (r < 45) {
        write(nodes[rnd.nextInt(nodes.length)]);
      } else if (r < 68) {
        sync(syncingNode());
      } else if (r < 73) {
        armCrash(nodes[rnd.nextInt(nodes.length)]);
      } else if (r < 78) {
        partition();
      } else if (r < 82) {
        healSome();
      } else if (r < 85) {
        redeliverStale();
      } else if (r < 88) {
        jumpClock(nodes[rnd.nextInt(nodes.length)]);
      } else {
        now += rnd.nextInt(2_000);
      }
    }
  }

  private Node syncingNode() {
    List<Node> syncing = new ArrayList<>();
    for (Node n : nodes) {
      if (!n.peers.isEmpty()) {
        syncing.add(n);
      }
    }
    return syncing.get(rnd.nextInt(syncing.size()));
  }

  private void write(Node n) {
    int k = rnd.nextInt(config.keys());
    String key = "k" + k;
    String scope = SCOPES[k % SCOPES.length];
    SyncCollection<JsonNode> notes = n.engine.collection("notes", JsonNode.class, scope);
    int op = rnd.nextInt(10);
    operations++;
    try {
      WriteReceipt receipt;
      if (op < 2) {
        receipt = notes.delete(key);
        log("%s deletes %s", n.id, key);
      } else {
        Optional<JsonNode> cur = notes.get(key);
        String json;
        if (op < 7 && cur.isPresent() && cur.get().isObject()) {
          // An edit of one field, the case field-level merge exists for.
          ObjectNode o = ((ObjectNode) cur.get()).deepCopy();
          String f = FIELDS[rnd.nextInt(FIELDS.length)];
          if (rnd.nextInt(6) == 0) {
            o.remove(f);
          } else {
            o.put(f, n.id + "-" + step);
          }
          json = o.toString();
        } else {
          json = "{\"a\":\"" + n.id + "-" + step + "\",\"b\":" + rnd.nextInt(100) + "}";
        }
        receipt = notes.putJson(key, json);
        log("%s puts %s = %s", n.id, key, json);
      }
      acknowledged.merge(receipt.id(), receipt.version(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
    } catch (SimulatedCrash c) {
      restart(n, c);
    }
  }

  private void sync(Node n) {
    operations++;
    try {
      SyncResult r = n.engine.syncNow().blockingGet();
      log("%s syncs: pushed %d pulled %d %s", n.id, r.pushed(), r.pulled(), r.isSuccess() ? "" : r);
    } catch (SimulatedCrash c) {
      restart(n, c);
    }
  }

  private void armCrash(Node n) {
    CrashMode[] modes = {CrashMode.BEFORE, CrashMode.INSIDE, CrashMode.AFTER};
    n.armed = modes[rnd.nextInt(modes.length)];
    log("%s will crash %s its next store transaction", n.id, n.armed);
  }

  private void partition() {
    if (rnd.nextBoolean()) {
      // A replica goes offline: every link to it.
      int i = rnd.nextInt(nodes.length);
      for (int j = 0; j < nodes.length; j++) {
        if (j != i) {
          downLinks.add(Math.min(i, j) + "-" + Math.max(i, j));
        }
      }
      log("%s goes offline", nodes[i].id);
    } else {
      int a = rnd.nextInt(nodes.length);
      int b = rnd.nextInt(nodes.length);
      if (a == b) {
        return;
      }
      downLinks.add(Math.min(a, b) + "-" + Math.max(a, b));
      log("link %s-%s goes down", nodes[a].id, nodes[b].id);
    }
    count(Fault.PARTITION);
  }

  private void healSome() {
    if (rnd.nextBoolean()) {
      downLinks.clear();
      log("network heals");
    } else if (!downLinks.isEmpty()) {
      List<String> links = new ArrayList<>(downLinks);
      String link = links.get(rnd.nextInt(links.size()));
      downLinks.remove(link);
      log("link %s comes back", link);
    }
  }

  private void redeliverStale() {
    if (stale.isEmpty()) {
      return;
    }
    Stale s = stale.remove(rnd.nextInt(stale.size()));
    count(Fault.STALE_REDELIVERY);
    log("an old batch %s reaches %s again", s.request.batchId(), nodes[s.to].id);
    try {
      Outcome o = nodes[s.to].engine.handler().push(CallContext.IN_PROCESS, s.request);
      log("  -> %s", o);
    } catch (SimulatedCrash c) {
      restart(nodes[s.to], c);
    } catch (SyncException e) {
      log("  -> %s", e.getMessage());
    }
  }

  private void jumpClock(Node n) {
    n.clock.skew += rnd.nextInt(2_001) - 1_000;
    count(Fault.CLOCK_JUMP);
    log("%s's clock is now off by %d ms", n.id, n.clock.skew);
  }

  private void restart(Node n, SimulatedCrash c) {
    crashes++;
    log("%s dies (%s) and restarts", n.id, c.getMessage());
    n.armed = CrashMode.NONE;
    n.restarts++;
    n.start();
  }

  // ---- quiescence and final checks ----

  private void quiesce() {
    faultsOn = false;
    downLinks.clear();
    for (Node n : nodes) {
      n.armed = CrashMode.NONE;
    }
    while (!stale.isEmpty()) {
      redeliverStale();
    }
    log("-- quiescence --");
    for (int round = 0; round < 40; round++) {
      now += 1_000;
      int moved = 0;
      boolean ok = true;
      for (Node n : nodes) {
        if (n.peers.isEmpty()) {
          continue;
        }
        SyncResult r = n.engine.syncNow().blockingGet();
        log(
            "%s syncs: pushed %d pulled %d %s",
            n.id, r.pushed(), r.pulled(), r.isSuccess() ? "" : r);
        moved += r.pushed() + r.pulled();
        ok &= r.isSuccess();
      }
      if (moved == 0 && ok) {
        return;
      }
    }
    violation("replicas did not quiesce within 40 rounds of syncing");
  }

  private void checkFinalState() {
    Map<RecordId, String> first = snapshot(nodes[0]);
    for (int i = 1; i < nodes.length; i++) {
      Map<RecordId, String> other = snapshot(nodes[i]);
      if (!other.equals(first)) {
        violation(
            "convergence: "
                + nodes[i].id
                + " differs from "
                + nodes[0].id
                + ": "
                + difference(first, other));
      }
    }
    for (Map.Entry<RecordId, SyncRecord> e : created.entrySet()) {
      SyncRecord highest = e.getValue();
      for (Node n : nodes) {
        Optional<StoredRecord> got = n.memory.get(e.getKey());
        if (got.isEmpty() || !got.get().record().version().equals(highest.version())) {
          violation(
              "lost write: "
                  + n.id
                  + " holds "
                  + got.map(s -> s.record().toString()).orElse("nothing")
                  + " for "
                  + e.getKey()
                  + ", newest created is "
                  + highest);
        } else if (!got.get().record().sameContentAs(highest)) {
          violation(
              "wrong content: "
                  + n.id
                  + " holds "
                  + got.get().record().payload()
                  + " at "
                  + highest.version()
                  + ", created "
                  + highest.payload());
        }
      }
    }
    for (Map.Entry<RecordId, Version> e : acknowledged.entrySet()) {
      for (Node n : nodes) {
        Optional<StoredRecord> got = n.memory.get(e.getKey());
        if (got.isEmpty() || got.get().record().version().compareTo(e.getValue()) < 0) {
          violation(
              "acknowledged write lost: " + e.getKey() + " at " + e.getValue() + " on " + n.id);
        }
      }
    }
    for (Node n : nodes) {
      List<QuarantinedChange> q = n.memory.quarantine();
      if (!q.isEmpty()) {
        violation(
            "unexpected quarantine on " + n.id + ": " + q.get(0).code() + " " + q.get(0).reason());
      }
    }
  }

  private static Map<RecordId, String> snapshot(Node n) {
    Map<RecordId, String> out = new TreeMap<>();
    for (StoredRecord r : n.memory.list("notes", null, Integer.MAX_VALUE, true)) {
      SyncRecord rec = r.record();
      out.put(
          rec.id(),
          rec.version()
              + " "
              + rec.scope()
              + (rec.deleted() ? " deleted" : " " + rec.payload().toUtf8())
              + " "
              + rec.meta().toUtf8());
    }
    return out;
  }

  private static String difference(Map<RecordId, String> a, Map<RecordId, String> b) {
    TreeSet<RecordId> ids = new TreeSet<>(a.keySet());
    ids.addAll(b.keySet());
    for (RecordId id : ids) {
      if (!String.valueOf(a.get(id)).equals(String.valueOf(b.get(id)))) {
        return id + ": " + a.get(id) + " vs " + b.get(id);
      }
    }
    return "?";
  }

  // ---- bookkeeping ----

  private void count(Fault f) {
    faults.merge(f, 1, Integer::sum);
  }

  private void violation(String what) {
    violations.add(what);
    log("VIOLATION %s", what);
  }

  private void log(String format, Object... args) {
    if (tracing) {
      trace.add(String.format(java.util.Locale.ROOT, "[%d] " + format, prepend(step, args)));
    }
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] out = new Object[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  private boolean chance(int perThousand) {
    return faultsOn && rnd.nextInt(1000) < perThousand;
  }

  // ---- replicas ----

  private final class Node {
    final int index;
    final String id;
    final MemoryStore memory;
    final SimStore store;
    final SimClock clock = new SimClock();
    final List<Integer> peers = new ArrayList<>();
    int restarts;
    CrashMode armed = CrashMode.NONE;
    SyncEngine engine;

    /** The crash point inside a store transaction, for stores with more than one step. */
    void crashInside() {
      if (armed == CrashMode.INSIDE) {
        armed = CrashMode.NONE;
        count(Fault.CRASH_INSIDE_APPLY);
        throw new SimulatedCrash(id + " inside a store transaction");
      }
    }

    Node(int index) {
      this.index = index;
      this.id = config.topology() == SimConfig.Topology.HUB && index == 0 ? "server" : "r" + index;
      this.memory = new MemoryStore("epoch-" + id);
      this.store = new SimStore(this);
    }

    void start() {
      SyncEngine.Builder b =
          SyncEngine.builder()
              .replicaId(id)
              .store(store)
              .clock(clock)
              .random(new Random(seed * 1_000_003L + index * 7_919L + restarts))
              .ioScheduler(Schedulers.trampoline())
              .resolver(config.newResolver())
              .batchLimits(config.batchSize(), 1 << 20)
              .inboundLimits(new InboundLimits(1000, 8L << 20, 1 << 20, Duration.ofDays(1)));
      for (int j : peers) {
        b.peer(new Peer(nodes[j].id, new SimTransport(index, j), List.of(SCOPES), true, true));
      }
      engine = b.build();
    }
  }

  /** A replica's clock: the simulation's time plus the replica's own skew. */
  private final class SimClock implements Clock {
    long skew;

    @Override
    public long millis() {
      return now + skew;
    }
  }

  /** The replica's durable store, with crash points and invariant checks around it. */
  private final class SimStore extends ForwardingStore {
    final Node node;
    final TreeSet<String> appliedVersions = new TreeSet<>();

    SimStore(Node node) {
      super(config.storeWrapper().wrap(node.memory, node::crashInside));
      this.node = node;
    }

    @Override
    public ApplyResult apply(WriteSet writes) {
      for (Checkpoint next : writes.checkpoints()) {
        delegate
            .checkpoint(next.peerId(), next.scope())
            .filter(prev -> !prev.canAdvanceTo(next))
            .ifPresent(
                prev ->
                    violation(
                        "cursor moved backwards on " + node.id + ": " + prev + " -> " + next));
      }
      if (!writes.checkpointResets().isEmpty()) {
        violation(
            "checkpoint reset on "
                + node.id
                + " though no store was replaced: "
                + writes.checkpointResets());
      }
      if (node.armed == CrashMode.BEFORE) {
        node.armed = CrashMode.NONE;
        count(Fault.CRASH_BEFORE_APPLY);
        throw new SimulatedCrash(node.id + " before a store transaction");
      }
      ApplyResult r = delegate.apply(writes);
      for (int i = 0; i < writes.writes().size(); i++) {
        if (!r.applied(i)) {
          continue;
        }
        WriteSet.Write w = writes.writes().get(i);
        SyncRecord rec = w.record();
        log(
            "  %s stores %s v%s from %s",
            node.id, rec.id().key(), rec.version(), w.source() == null ? "itself" : w.source());
        if (!appliedVersions.add(rec.id() + "@" + rec.version())) {
          violation(
              "not idempotent: "
                  + node.id
                  + " applied "
                  + rec.id()
                  + " at "
                  + rec.version()
                  + " twice");
        }
        if (w.source() == null) {
          // Every version in the system is created by a local write somewhere.
          created.merge(rec.id(), rec, (x, y) -> x.version().compareTo(y.version()) >= 0 ? x : y);
        }
      }
      if (node.armed == CrashMode.AFTER || node.armed == CrashMode.INSIDE) {
        Fault f =
            node.armed == CrashMode.AFTER ? Fault.CRASH_AFTER_APPLY : Fault.CRASH_INSIDE_APPLY;
        node.armed = CrashMode.NONE;
        count(f);
        throw new SimulatedCrash(node.id + " after a store transaction");
      }
      return r;
    }
  }

  /** The simulated network between two replicas. */
  private final class SimTransport implements SyncTransport {
    final int from;
    final int to;

    SimTransport(int from, int to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public SyncConnection connect() throws IOException {
      if (linkDown(from, to)) {
        throw new ConnectException(nodes[from].id + " cannot reach " + nodes[to].id);
      }
      return new SyncConnection() {
        private final EagerPushes sent = new EagerPushes(config.pushWindow());

        @Override
        public int pushWindow() {
          return config.pushWindow();
        }

        @Override
        public void sendPush(PushRequest request) throws IOException {
          if (sent.outstanding() >= config.pushWindow()) {
            violation("engine sent more than " + config.pushWindow() + " pushes at once");
          }
          sent.send(request, this::push);
        }

        @Override
        public Outcome awaitPush() throws IOException {
          if (sent.outstanding() == 0) {
            violation("engine awaited a push it never sent");
          }
          return sent.await();
        }

        @Override
        public HandshakeResponse handshake(HandshakeRequest request) throws IOException {
          return exchange(h -> h.handshake(CallContext.IN_PROCESS, request), "handshake");
        }

        @Override
        public Outcome push(PushRequest request) throws IOException {
          for (Change c : request.changes()) {
            Optional<StoredRecord> mine = nodes[from].memory.get(c.id());
            if (mine.isPresent() && nodes[to].id.equals(mine.get().source())) {
              violation(
                  "echo: " + nodes[from].id + " pushed " + c.id() + " back to " + nodes[to].id);
            }
          }
          if (chance(config.faultPercent() * 3)) {
            stale.add(new Stale(to, request));
          }
          return exchange(h -> h.push(CallContext.IN_PROCESS, request), "push");
        }

        @Override
        public PullResponse pull(PullRequest request) throws IOException {
          PullResponse r = exchange(h -> h.pull(CallContext.IN_PROCESS, request), "pull");
          if (r.page() != null) {
            for (Change c : r.page().changes()) {
              Optional<StoredRecord> theirs = nodes[to].memory.get(c.id());
              if (theirs.isPresent() && nodes[from].id.equals(theirs.get().source())) {
                violation(
                    "echo: " + nodes[to].id + " sent " + c.id() + " back to " + nodes[from].id);
              }
            }
          }
          return r;
        }

        @Override
        public void close() {}
      };
    }

    private <T> T exchange(Function<SyncHandler, T> call, String what) throws IOException {
      if (linkDown(from, to)) {
        throw new ConnectException("link down");
      }
      int f = config.faultPercent();
      if (chance(f * 2)) {
        count(Fault.DROP_REQUEST);
        log("  %s %s->%s dropped", what, nodes[from].id, nodes[to].id);
        throw new IOException("request dropped");
      }
      if (chance(f * 2)) {
        count(Fault.DELAY);
        now += rnd.nextInt(3_000);
      }
      T result = deliver(call);
      if (chance(f)) {
        count(Fault.DUPLICATE);
        log("  %s %s->%s delivered twice", what, nodes[from].id, nodes[to].id);
        result = deliver(call);
      }
      if (chance(f * 2)) {
        count(Fault.LOSE_RESPONSE);
        log("  %s %s->%s answer lost", what, nodes[from].id, nodes[to].id);
        throw new IOException("response lost");
      }
      if (chance(f / 2)) {
        count(Fault.CRASH_AFTER_SEND);
        throw new SimulatedCrash(nodes[from].id + " after sending a " + what);
      }
      return result;
    }

    private <T> T deliver(Function<SyncHandler, T> call) throws IOException {
      Node remote = nodes[to];
      try {
        return call.apply(remote.engine.handler());
      } catch (SimulatedCrash c) {
        restart(remote, c);
        throw new IOException("peer died: " + c.getMessage());
      }
    }
  }
}
