package io.syncline.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.reactivex.rxjava3.disposables.Disposable;
import io.syncline.engine.Peer;
import io.syncline.engine.Resolvers;
import io.syncline.engine.SyncCollection;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.engine.SyncStatus;
import io.syncline.server.Log;
import io.syncline.server.ServerOptions;
import io.syncline.server.SyncServer;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncTransport;
import io.syncline.store.jdbc.JdbcStore;
import io.syncline.transport.grpc.GrpcSyncTransport;
import io.syncline.transport.http.HttpClientAdapter;
import io.syncline.transport.http.HttpSyncTransport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The main job: a sync server and two devices of one user, a phone and a laptop, each with its own
 * SQLite file, syncing a realistic address book of 10,000 contacts over HTTP on this machine. The
 * phone imports the contacts and uploads them; the laptop downloads them; then both edit offline
 * (the phone changes phone numbers, the laptop e-mail addresses, some of the same contacts, and
 * deletes some; both rename one contact), sync again and end with the same address book, every edit
 * of a different field kept. Prints progress bars and a summary.
 */
public final class ContactsDemo {
  private static final String[] FIRST = {
    "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Dennis",
    "Radia", "Ken", "Sophie", "Tim", "Shafi", "Leslie", "Katherine", "Niklaus", "Hedy", "Claude"
  };
  private static final String[] LAST = {
    "Lovelace",
    "Turing",
    "Hopper",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "McCarthy",
    "Hamilton",
    "Ritchie",
    "Perlman",
    "Thompson",
    "Wilson",
    "Berners-Lee",
    "Goldwasser",
    "Lamport",
    "Johnson",
    "Wirth",
    "Lamarr",
    "Shannon",
    "Gödel",
    "Çelik",
    "Nakamura",
    "Okafor",
    "Ivanova"
  };
  private static final String[] CITIES = {
    "Lagos", "Lima", "Oslo", "Pune", "Kyoto", "Quito", "Izmir", "Perth", "Tartu", "Accra"
  };

  private static final ObjectMapper JSON = new ObjectMapper();

  private ContactsDemo() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    System.exit(run(System.out, count) ? 0 : 1);
  }

  /** Runs the demo with {@code count} contacts; returns whether both devices converged. */
  public static boolean run(PrintStream out, int count) throws Exception {
    if (count < 1000) {
      throw new IllegalArgumentException("the demo needs at least 1,000 contacts");
    }
    Path dir = Files.createTempDirectory("syncline-demo");
    try {
      return run(out, count, dir);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static boolean run(PrintStream out, int count, Path dir) throws Exception {
    long start = System.nanoTime();
    Path tokens = dir.resolve("tokens");
    Files.write(
        tokens,
        "phone-token alice alice\nlaptop-token alice alice\n".getBytes(StandardCharsets.UTF_8));
    Path serverLog = dir.resolve("server.log");
    try (PrintStream logOut = new PrintStream(Files.newOutputStream(serverLog), true, "UTF-8");
        SyncServer server =
            SyncServer.start(
                new ServerOptions(
                    "127.0.0.1",
                    0,
                    0,
                    -1,
                    dir.resolve("server.db").toString(),
                    null,
                    null,
                    tokens,
                    null,
                    null,
                    "server"),
                new Log(logOut))) {
      out.printf(
          Locale.ROOT,
          "sync server listening: gRPC %s, HTTP %s (SQLite)%n",
          server.grpcTarget(),
          server.httpUri());
      AtomicLong bytes = new AtomicLong();
      // The phone syncs over gRPC, the laptop over HTTP: one server speaks both.
      Device phone = new Device("phone", dir, grpcTransport(server, "phone-token", bytes));
      Device laptop = new Device("laptop", dir, httpTransport(server, "laptop-token", bytes));

      // 1. The phone imports an address book.
      long t = System.nanoTime();
      // In transactions of 1,000: one durable commit each, not one per contact.
      for (int from = 0; from < count; from += 1000) {
        Map<String, JsonNode> chunk = new TreeMap<>();
        for (int i = from; i < Math.min(count, from + 1000); i++) {
          chunk.put(key(i), JSON.readTree(contact(i)));
        }
        phone.contacts.putAll(chunk);
      }
      out.printf(Locale.ROOT, "phone: %,d contacts written offline in %d ms%n", count, ms(t));

      // 2. Upload, then 3. download, each with a progress bar.
      SyncResult up = phone.sync(out, "phone  uploads  ", count);
      SyncResult down = laptop.sync(out, "laptop downloads", count);

      // 4. Both edit offline: different fields of overlapping contacts, deletes, one same-field
      // conflict.
      int edits = count / 50;
      int overlapFrom = edits * 3 / 4;
      for (int i = 0; i < edits; i++) {
        phone.set(key(i), "phone", "+1 555 " + (1000 + i));
      }
      for (int i = overlapFrom; i < overlapFrom + edits; i++) {
        laptop.set(key(i), "email", "new." + i + "@example.org");
      }
      for (int i = count - count / 100; i < count; i++) {
        laptop.contacts.delete(key(i));
      }
      phone.set(key(count / 2), "name", "Renamed on the phone");
      laptop.set(key(count / 2), "name", "Renamed on the laptop");
      int bothEdited = edits - overlapFrom;
      out.printf(
          Locale.ROOT,
          "offline: phone edited %d phone numbers; laptop edited %d e-mails (%d of the same"
              + " contacts) and deleted %d; both renamed %s%n",
          edits,
          edits,
          bothEdited,
          count / 100,
          key(count / 2));

      // 5. Sync until quiet.
      int moved = up.pushed() + down.pulled();
      for (int round = 0; round < 3; round++) {
        SyncResult a = phone.engine.syncNow().blockingGet();
        SyncResult b = laptop.engine.syncNow().blockingGet();
        moved += a.pushed() + a.pulled() + b.pushed() + b.pulled();
      }

      // Check: the same address book on both devices, every edit kept.
      boolean same = phone.snapshot().equals(laptop.snapshot());
      int kept = 0;
      for (int i = overlapFrom; i < edits; i++) {
        JsonNode c = laptop.contacts.get(key(i)).orElseThrow();
        if (c.get("phone").asText().equals("+1 555 " + (1000 + i))
            && c.get("email").asText().equals("new." + i + "@example.org")) {
          kept++;
        }
      }
      boolean deleted = phone.contacts.get(key(count - 1)).isEmpty();
      String renamed = phone.contacts.get(key(count / 2)).orElseThrow().get("name").asText();
      boolean converged = same && kept == bothEdited && deleted;
      out.println();
      out.println("summary");
      out.printf(Locale.ROOT, "  records moved      %,d%n", moved);
      out.printf(
          Locale.ROOT,
          "  bytes on the wire  %,d (gRPC messages and gzip HTTP bodies)%n",
          bytes.get());
      out.printf(Locale.ROOT, "  time               %,d ms%n", ms(start));
      out.printf(
          Locale.ROOT,
          "  conflicts resolved %d contacts edited on both devices: %d kept both edits;"
              + " the same-field rename kept \"%s\" (last writer)%n",
          bothEdited,
          kept,
          renamed);
      out.printf(
          Locale.ROOT, "  server metrics     changes in %,d%n", server.metrics().changesIn());
      out.println(
          converged
              ? "converged: phone and laptop hold the same " + phone.snapshot().size() + " contacts"
              : "NOT converged");
      phone.close();
      laptop.close();
      for (ManagedChannel c : CHANNELS) {
        c.shutdownNow();
      }
      CHANNELS.clear();
      return converged;
    }
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  static String key(int i) {
    return String.format(Locale.ROOT, "c%05d", i);
  }

  private static String contact(int i) {
    String first = FIRST[i % FIRST.length];
    String last = LAST[(i / FIRST.length) % LAST.length];
    return String.format(
        Locale.ROOT,
        "{\"name\":\"%s %s\",\"phone\":\"+44 20 7946 %04d\",\"email\":\"%s.%s.%d@example.com\","
            + "\"city\":\"%s\",\"notes\":\"met at conference %d\"}",
        first,
        last,
        i % 10_000,
        first.toLowerCase(Locale.ROOT),
        last.toLowerCase(Locale.ROOT).replace(' ', '-'),
        i,
        CITIES[i % CITIES.length],
        2000 + i % 25);
  }

  private static SyncTransport httpTransport(SyncServer server, String token, AtomicLong bytes) {
    HttpClientAdapter jdk = HttpClientAdapter.jdk(Duration.ofSeconds(10));
    HttpClientAdapter counting =
        request -> {
          HttpClientAdapter.Response r = jdk.execute(request);
          bytes.addAndGet(request.body().length + r.body().length);
          return r;
        };
    return HttpSyncTransport.builder()
        .baseUri(server.httpUri())
        .bearerToken(token)
        .httpClient(counting)
        .build();
  }

  private static SyncTransport grpcTransport(SyncServer server, String token, AtomicLong bytes) {
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(server.grpcTarget())
            .usePlaintext()
            .intercept(new CountingInterceptor(bytes))
            .build();
    CHANNELS.add(channel);
    return GrpcSyncTransport.builder().channel(channel).bearerToken(token).build();
  }

  private static final List<ManagedChannel> CHANNELS = new CopyOnWriteArrayList<>();

  /** Counts the serialized size of every gRPC message sent and received. */
  private static final class CountingInterceptor implements ClientInterceptor {
    private final AtomicLong bytes;

    CountingInterceptor(AtomicLong bytes) {
      this.bytes = bytes;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<Q, R>(
          next.newCall(method, options)) {
        @Override
        public void sendMessage(Q message) {
          count(message);
          super.sendMessage(message);
        }

        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<R>(listener) {
                @Override
                public void onMessage(R message) {
                  count(message);
                  super.onMessage(message);
                }
              },
              headers);
        }
      };
    }

    private void count(Object message) {
      if (message instanceof MessageLite m) {
        bytes.addAndGet(m.getSerializedSize());
      } else if (message instanceof byte[] encoded) {
        bytes.addAndGet(encoded.length); // batches and pages travel as encoded messages
      }
    }
  }

  /** A device: its own SQLite file and engine, syncing with the server. */
  private static final class Device {
    final JdbcStore store;
    final SyncEngine engine;
    final SyncCollection<JsonNode> contacts;

    Device(String name, Path dir, SyncTransport transport) {
      store = JdbcStore.sqlite(dir.resolve(name + ".db"));
      engine =
          SyncEngine.builder()
              .replicaId(name)
              .store(store)
              .resolver(Resolvers.fieldMerge())
              .defaultScope("alice")
              .batchLimits(1000, 1 << 20)
              .peer(Peer.of("server", transport, "alice"))
              .build();
      contacts = engine.collection("contacts");
    }

    void set(String key, String field, String value) {
      com.fasterxml.jackson.databind.node.ObjectNode c =
          (com.fasterxml.jackson.databind.node.ObjectNode) contacts.get(key).orElseThrow();
      c.put(field, value);
      contacts.put(key, c);
    }

    SyncResult sync(PrintStream out, String label, int total) {
      Disposable bar =
          engine
              .status()
              .filter(s -> s.state() == SyncStatus.State.SYNCING)
              .subscribe(
                  s -> out.print("\r" + bar(label, Math.max(s.pushed(), s.pulled()), total)));
      long t = System.nanoTime();
      SyncResult r = engine.syncNow().blockingGet();
      bar.dispose();
      out.print("\r" + bar(label, Math.max(r.pushed(), r.pulled()), total));
      out.printf(Locale.ROOT, "  %d ms%n", ms(t));
      return r;
    }

    static String bar(String label, int done, int total) {
      int width = 30;
      int filled = (int) Math.min(width, (long) done * width / Math.max(1, total));
      return String.format(
          Locale.ROOT,
          "%s [%s%s] %,6d/%,d",
          label,
          "#".repeat(filled),
          ".".repeat(width - filled),
          done,
          total);
    }

    Map<String, String> snapshot() {
      Map<String, String> m = new TreeMap<>();
      String after = null;
      while (true) {
        List<StoredRecord> page = store.list("contacts", after, 1000, true);
        for (StoredRecord r : page) {
          m.put(
              r.record().id().key(),
              r.record().version()
                  + (r.record().deleted() ? " deleted" : " " + r.record().payload().toUtf8()));
        }
        if (page.size() < 1000) {
          return m;
        }
        after = page.get(page.size() - 1).record().id().key();
      }
    }

    void close() throws IOException {
      engine.close();
      store.close();
    }
  }
}
