package io.syncline.transport.http;

import io.syncline.spi.Cancellable;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.Protocol;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncTransport;
import io.syncline.transport.http.internal.Gzip;
import io.syncline.transport.http.internal.Query;
import io.syncline.transport.http.internal.RetryAfter;
import io.syncline.transport.http.internal.StatusMapping;
import io.syncline.transport.http.internal.WireCodec;
import io.syncline.transport.http.internal.WireException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link SyncTransport} that speaks the HTTP protocol of {@code docs/http-protocol.md} to one
 * server: JSON over HTTP/1.1, gzip both ways, bearer-token authentication.
 *
 * <pre>{@code
 * SyncTransport transport =
 *     HttpSyncTransport.builder()
 *         .baseUri(URI.create("https://sync.example.com/"))
 *         .tokenSupplier(session::currentToken)
 *         .build();
 * SyncEngine engine = SyncEngine.builder()...peer(Peer.of("server", transport, "user-42")).build();
 * }</pre>
 *
 * <p>HTTP statuses become outcomes: 2xx success; 408, 429, 500, 502, 503 and 504 retry (honouring
 * {@code Retry-After} in seconds or as an HTTP date); 413 too large; 400, 409 and 422 rejected with
 * the server's per-change reasons (failed if it gave none); 401, 403 and 426 failed. A network
 * failure, a timeout, a cut connection or an unreadable 2xx body is an {@link IOException}, which
 * the engine retries; since applying is idempotent, a push whose answer was lost is simply sent
 * again. An empty pull is revalidated with {@code If-None-Match}, so asking again when nothing
 * changed costs a 304 without a body.
 *
 * <p>Needs only the JDK and jackson-core: no Netty. On Android, which lacks {@code java.net.http},
 * pass an {@link HttpClientAdapter} (for example over OkHttp).
 *
 * <p>Thread-safe; connections are thread-compatible, as the SPI says. The token supplier is called
 * once per request, on the calling thread; a null or empty token sends no {@code Authorization}.
 */
public final class HttpSyncTransport implements SyncTransport, AutoCloseable {
  private static final String JSON = "application/json";
  private static final int GZIP_REQUEST_THRESHOLD = 1024;
  private static final int MAX_CACHED_PAGES = 1024;
  private static final AtomicInteger LIVE_THREADS = new AtomicInteger();

  private final URI baseUri;
  private final Supplier<String> tokenSupplier;
  private final HttpClientAdapter client;
  private final boolean ownsClient;
  private final Duration requestTimeout;
  private final Duration longPollWait;
  private final boolean gzipRequests;
  private final long maxResponseBytes;
  private final Clock clock;
  private final Executor liveExecutor;
  private final WireCodec codec;
  private final Map<String, CachedPage> emptyPages = new ConcurrentHashMap<>();

  /** The last empty page of a requester's scope, with the ETag that revalidates it. */
  private record CachedPage(long afterSeq, String etag, FeedPage page) {}

  private HttpSyncTransport(Builder b) {
    this.baseUri = b.baseUri;
    this.tokenSupplier = b.tokenSupplier;
    this.ownsClient = b.client == null;
    this.client = ownsClient ? HttpClientAdapter.jdk(b.connectTimeout) : b.client;
    this.requestTimeout = b.requestTimeout;
    this.longPollWait = b.longPollWait;
    this.gzipRequests = b.gzipRequests;
    this.maxResponseBytes = b.maxResponseBytes;
    this.clock = b.clock;
    this.liveExecutor = b.liveExecutor;
    // A client accepts what its server sends: generous bounds, still finite.
    this.codec = new WireCodec(1000, 1000, maxResponseBytes);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The server's base URI, ending with {@code /}. */
  public URI baseUri() {
    return baseUri;
  }

  /** Opens a session. HTTP needs no connection set-up, so this does no I/O. */
  @Override
  public SyncConnection connect() {
    return new Connection();
  }

  /** Closes the HTTP client if this transport created it. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "HttpSyncTransport{" + baseUri + "}";
  }

  // ---- exchanges ----

  private HttpClientAdapter.Response exchange(
      String method, String pathAndQuery, byte[] json, Map<String, String> extra, Duration timeout)
      throws IOException {
    Map<String, String> headers = new TreeMap<>();
    headers.put(HttpSyncEndpoint.PROTOCOL_HEADER, Integer.toString(Protocol.VERSION));
    headers.put("Accept", JSON);
    headers.put("Accept-Encoding", "gzip");
    String token = tokenSupplier == null ? null : tokenSupplier.get();
    if (token != null && !token.isEmpty()) {
      headers.put("Authorization", "Bearer " + token);
    }
    byte[] body = new byte[0];
    if (json != null) {
      headers.put("Content-Type", JSON);
      body = json;
      if (gzipRequests && json.length >= GZIP_REQUEST_THRESHOLD) {
        headers.put("Content-Encoding", "gzip");
        body = Gzip.compress(json);
      }
    }
    headers.putAll(extra);
    HttpClientAdapter.Response r =
        client.execute(
            new HttpClientAdapter.Request(
                method, baseUri.resolve(pathAndQuery), headers, body, timeout, maxResponseBytes));
    if (r == null) {
      throw new IOException("the HTTP client returned no response");
    }
    return r;
  }

  /** The body, decompressed if the server gzipped it. */
  private byte[] bodyOf(HttpClientAdapter.Response r) throws IOException {
    String encoding = r.header("content-encoding");
    if (encoding == null || encoding.trim().equalsIgnoreCase("identity")) {
      return r.body();
    }
    if (encoding.trim().equalsIgnoreCase("gzip")) {
      return Gzip.decompress(r.body(), maxResponseBytes);
    }
    throw new IOException("unsupported Content-Encoding in a response: " + encoding);
  }

  /** The JSON body of a 2xx answer; anything else (a captive portal's page) is transient. */
  private byte[] successBody(HttpClientAdapter.Response r) throws IOException {
    String type = r.header("content-type");
    if (type == null || !type.trim().toLowerCase(Locale.ROOT).startsWith(JSON)) {
      throw new IOException(
          "HTTP " + r.status() + " with Content-Type " + type + ", not " + JSON + " (a proxy?)");
    }
    return bodyOf(r);
  }

  private WireCodec.ErrorBody errorOf(HttpClientAdapter.Response r) {
    try {
      return codec.decodeError(bodyOf(r));
    } catch (IOException e) {
      return null;
    }
  }

  private Duration retryAfterOf(HttpClientAdapter.Response r) {
    return RetryAfter.parse(r.header("retry-after"), clock.instant());
  }

  private static IOException malformed(HttpClientAdapter.Response r, WireException e) {
    return new IOException("malformed " + r.status() + " response: " + e.getMessage());
  }

  private static boolean success(int status) {
    return status >= 200 && status < 300;
  }

  private String pullQuery(String path, String requester, String scope, long afterSeq) {
    return path
        + "?scope="
        + Query.encode(scope)
        + "&requesterId="
        + Query.encode(requester)
        + "&afterSeq="
        + afterSeq;
  }

  private final class Connection implements SyncConnection {
    private volatile boolean closed;

    private void checkOpen() throws IOException {
      if (closed) {
        throw new IOException("connection closed");
      }
    }

    @Override
    public HandshakeResponse handshake(HandshakeRequest request) throws IOException {
      Objects.requireNonNull(request, "request == null");
      checkOpen();
      HttpClientAdapter.Response r =
          exchange(
              "POST",
              "v1/handshake",
              WireCodec.encodeHandshakeRequest(request),
              Collections.<String, String>emptyMap(),
              requestTimeout);
      if (!success(r.status())) {
        throw StatusMapping.exception(r.status(), errorOf(r), retryAfterOf(r));
      }
      try {
        return codec.decodeHandshakeResponse(successBody(r));
      } catch (WireException e) {
        throw malformed(r, e);
      }
    }

    @Override
    public Outcome push(PushRequest request) throws IOException {
      Objects.requireNonNull(request, "request == null");
      checkOpen();
      HttpClientAdapter.Response r =
          exchange(
              "POST",
              "v1/push",
              WireCodec.encodePushRequest(request),
              Collections.<String, String>emptyMap(),
              requestTimeout);
      if (success(r.status())) {
        return Outcome.SUCCESS;
      }
      return StatusMapping.outcome(r.status(), errorOf(r), retryAfterOf(r));
    }

    @Override
    public PullResponse pull(PullRequest request) throws IOException {
      Objects.requireNonNull(request, "request == null");
      checkOpen();
      String key = request.requesterId() + "\n" + request.scope();
      CachedPage cached = emptyPages.get(key);
      Map<String, String> extra =
          cached != null && cached.afterSeq() == request.afterSeq()
              ? Collections.singletonMap("If-None-Match", cached.etag())
              : Collections.<String, String>emptyMap();
      String query =
          pullQuery("v1/pull", request.requesterId(), request.scope(), request.afterSeq())
              + "&maxChanges="
              + request.maxChanges()
              + "&maxBytes="
              + request.maxBytes();
      HttpClientAdapter.Response r = exchange("GET", query, null, extra, requestTimeout);
      if (r.status() == 304 && !extra.isEmpty()) {
        return PullResponse.of(cached.page());
      }
      if (!success(r.status())) {
        return PullResponse.failed(
            StatusMapping.pullOutcome(r.status(), errorOf(r), retryAfterOf(r)));
      }
      FeedPage page;
      try {
        page = codec.decodePage(successBody(r), request.scope());
      } catch (WireException e) {
        throw malformed(r, e);
      }
      String etag = r.header("etag");
      if (page.changes().isEmpty() && etag != null) {
        if (emptyPages.size() >= MAX_CACHED_PAGES) {
          emptyPages.clear();
        }
        emptyPages.put(key, new CachedPage(request.afterSeq(), etag, page));
      } else {
        emptyPages.remove(key);
      }
      return PullResponse.of(page);
    }

    /**
     * Follows the scope by long-polling {@code /v1/live} on the transport's live executor (by
     * default a daemon thread per stream). Pages reach the listener one at a time; the first
     * failure ends the stream with {@link LiveListener#onError}; {@link Cancellable#cancel} ends it
     * silently and interrupts a poll in flight.
     */
    @Override
    public Cancellable live(LiveRequest request, LiveListener listener) throws IOException {
      Objects.requireNonNull(request, "request == null");
      Objects.requireNonNull(listener, "listener == null");
      checkOpen();
      LivePoll poll = new LivePoll(request, listener);
      liveExecutor.execute(poll);
      return poll;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final class LivePoll implements Runnable, Cancellable {
    private final LiveRequest request;
    private final LiveListener listener;
    private volatile boolean cancelled;
    private volatile Thread runner;

    LivePoll(LiveRequest request, LiveListener listener) {
      this.request = request;
      this.listener = listener;
    }

    @Override
    public void run() {
      runner = Thread.currentThread();
      long cursor = request.afterSeq();
      try {
        while (!cancelled) {
          String query =
              pullQuery("v1/live", request.requesterId(), request.scope(), cursor)
                  + "&waitSeconds="
                  + longPollWait.getSeconds();
          HttpClientAdapter.Response r =
              exchange(
                  "GET",
                  query,
                  null,
                  Collections.<String, String>emptyMap(),
                  longPollWait.plus(requestTimeout));
          if (cancelled) {
            return;
          }
          if (!success(r.status())) {
            throw StatusMapping.exception(r.status(), errorOf(r), retryAfterOf(r));
          }
          FeedPage page;
          try {
            page = codec.decodePage(successBody(r), request.scope());
          } catch (WireException e) {
            throw malformed(r, e);
          }
          if (page.nextCursor() < cursor) {
            throw new SyncException(
                SyncException.Code.PROTOCOL,
                "live page moved the cursor back from " + cursor + " to " + page.nextCursor());
          }
          cursor = page.nextCursor();
          if (!page.changes().isEmpty()) {
            listener.onPage(page);
          }
        }
      } catch (InterruptedIOException e) {
        if (!cancelled) {
          fail(e);
        }
      } catch (IOException | RuntimeException e) {
        if (!cancelled) {
          fail(e);
        }
      } finally {
        runner = null;
        Thread.interrupted(); // leave a pooled thread as we found it
      }
    }

    private void fail(Throwable e) {
      cancelled = true;
      listener.onError(e);
    }

    @Override
    public void cancel() {
      cancelled = true;
      Thread t = runner;
      if (t != null) {
        t.interrupt();
      }
    }
  }

  /**
   * Builds an {@link HttpSyncTransport}. Only the base URI is required; {@link #build()} validates.
   */
  public static final class Builder {
    private URI baseUri;
    private Supplier<String> tokenSupplier;
    private HttpClientAdapter client;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration longPollWait = Duration.ofSeconds(25);
    private boolean gzipRequests = true;
    private long maxResponseBytes = 64L << 20;
    private Clock clock = Clock.systemUTC();
    private Executor liveExecutor =
        r -> {
          Thread t = new Thread(r, "syncline-http-live-" + LIVE_THREADS.incrementAndGet());
          t.setDaemon(true);
          t.start();
        };

    private Builder() {}

    /**
     * The server's base URI, {@code http} or {@code https}, without query or fragment; a path
     * prefix is kept ({@code https://host/sync/} reaches {@code /sync/v1/push}). Required.
     */
    public Builder baseUri(URI baseUri) {
      Objects.requireNonNull(baseUri, "baseUri == null");
      String scheme = baseUri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        throw new IllegalArgumentException("baseUri must be http or https: " + baseUri);
      }
      if (baseUri.getHost() == null) {
        throw new IllegalArgumentException("baseUri has no host: " + baseUri);
      }
      if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
        throw new IllegalArgumentException("baseUri must have no query or fragment: " + baseUri);
      }
      String s = baseUri.toString();
      this.baseUri = s.endsWith("/") ? baseUri : URI.create(s + "/");
      return this;
    }

    /** Supplies the bearer token for each request (default: none). */
    public Builder tokenSupplier(Supplier<String> tokenSupplier) {
      this.tokenSupplier = Objects.requireNonNull(tokenSupplier, "tokenSupplier == null");
      return this;
    }

    /** A fixed bearer token. */
    public Builder bearerToken(String token) {
      Objects.requireNonNull(token, "token == null");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("token is empty");
      }
      return tokenSupplier(() -> token);
    }

    /**
     * The HTTP client (default: {@link HttpClientAdapter#jdk} with the connect timeout, owned and
     * closed by the transport). A given client stays the caller's to close.
     */
    public Builder httpClient(HttpClientAdapter client) {
      this.client = Objects.requireNonNull(client, "client == null");
      return this;
    }

    /** How long to wait for a TCP connection (default 10 s); only for the default client. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** The most one exchange may take, body included (default 30 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** How long a live long-poll asks the server to wait (default 25 s; whole seconds). */
    public Builder longPollWait(Duration wait) {
      Objects.requireNonNull(wait, "longPollWait == null");
      if (wait.isNegative() || wait.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("longPollWait must lie in [0, 10 min]: " + wait);
      }
      this.longPollWait = wait;
      return this;
    }

    /** Whether to gzip request bodies of 1 KiB and more (default true). */
    public Builder gzipRequests(boolean gzip) {
      this.gzipRequests = gzip;
      return this;
    }

    /** The largest response body to accept, after decompression (default 64 MiB). */
    public Builder maxResponseBytes(long max) {
      if (max < 1024) {
        throw new IllegalArgumentException("maxResponseBytes < 1024: " + max);
      }
      this.maxResponseBytes = max;
      return this;
    }

    /** The clock that turns a {@code Retry-After} date into a delay (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** Where live long-poll loops run (default: a new daemon thread per stream). */
    public Builder liveExecutor(Executor executor) {
      this.liveExecutor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    /**
     * Builds the transport.
     *
     * @throws IllegalStateException if the base URI is not set
     */
    public HttpSyncTransport build() {
      if (baseUri == null) {
        throw new IllegalStateException("baseUri is not set");
      }
      return new HttpSyncTransport(this);
    }
  }
}
