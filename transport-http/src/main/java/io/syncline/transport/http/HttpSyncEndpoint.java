package io.syncline.transport.http;

import io.syncline.spi.Authenticator;
import io.syncline.spi.CallContext;
import io.syncline.spi.Cancellable;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.Protocol;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncHandler;
import io.syncline.transport.http.internal.ErrorCodes;
import io.syncline.transport.http.internal.Gzip;
import io.syncline.transport.http.internal.JvmOnly;
import io.syncline.transport.http.internal.Query;
import io.syncline.transport.http.internal.RetryAfter;
import io.syncline.transport.http.internal.WireCodec;
import io.syncline.transport.http.internal.WireException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server side of the HTTP protocol as one blocking function from a request to a response, free
 * of any HTTP library: {@link HttpSyncServer} runs it on Netty, and a host mounts it into its own
 * HTTP stack (a servlet, Spring, Ktor, an existing Netty or Undertow server) by copying the request
 * in and the response out.
 *
 * <pre>{@code
 * HttpSyncEndpoint endpoint =
 *     HttpSyncEndpoint.builder()
 *         .handler(engine.handler())
 *         .authenticator(token -> users.principalFor(token))
 *         .build();
 * // in a servlet's service(req, resp), mounted at /sync/*:
 * HttpSyncEndpoint.Response r =
 *     endpoint.handle(
 *         new HttpSyncEndpoint.Request(
 *             req.getMethod(), req.getPathInfo(), req.getQueryString(), headersOf(req),
 *             req.getInputStream().readNBytes((int) endpoint.limits().maxRequestBytes() + 1),
 *             req.getRemoteAddr()));
 * resp.setStatus(r.status());
 * r.headers().forEach(resp::setHeader);
 * resp.getOutputStream().write(r.body());
 * }</pre>
 *
 * <p>What it does, in order: routes ({@code 404}, {@code 405}), checks the protocol version ({@code
 * 426}), authenticates ({@code 401}, {@code 403}), bounds and decodes the body ({@code 413}, {@code
 * 415}, {@code 400}), calls the {@link SyncHandler} and maps its answer and its {@link
 * SyncException} codes onto statuses. Nothing reaches the handler unless the request passed every
 * check, and the handler applies a push only if all of it is acceptable; so no error status ever
 * comes with a partial effect. The mapping is documented in {@code docs/http-protocol.md}.
 *
 * <p>Thread-safe: call {@link #handle} from any number of threads. It blocks while the handler
 * works, and a live long-poll blocks up to {@link HttpServerLimits#maxLongPollWait()}. Requests
 * beyond {@link HttpServerLimits#maxConcurrentRequests()} or {@link
 * HttpServerLimits#maxLongPolls()} are answered at once with 503 and {@code Retry-After}.
 */
@JvmOnly
public final class HttpSyncEndpoint {

  /** The header that carries the protocol version on every request. */
  public static final String PROTOCOL_HEADER = "Syncline-Protocol";

  /** Responses of at least this many bytes are gzipped when the client accepts gzip. */
  static final int GZIP_THRESHOLD = 1024;

  private static final String JSON = "application/json";

  /**
   * An HTTP request as the host's stack received it.
   *
   * @param method the method, such as {@code GET}
   * @param path the path relative to where the endpoint is mounted, starting with {@code /v1/}
   * @param query the raw query string without {@code ?}, or null
   * @param headers the headers; names are matched case-insensitively (copied to lower case), and
   *     repeated headers are joined with {@code ", "}
   * @param body the body as received (possibly gzip), empty if none
   * @param remoteAddress the caller's address for logs, or null
   */
  @JvmOnly
  public record Request(
      String method,
      String path,
      String query,
      Map<String, String> headers,
      byte[] body,
      String remoteAddress) {
    /** Validates and copies; header names become lower case. */
    public Request {
      Objects.requireNonNull(method, "method == null");
      Objects.requireNonNull(path, "path == null");
      Objects.requireNonNull(headers, "headers == null");
      Map<String, String> lower = new TreeMap<>();
      headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + ", " + b));
      headers = Map.copyOf(lower);
      body = body == null ? new byte[0] : body;
    }

    /** The value of header {@code name} (any case), or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * The response to send.
   *
   * @param status the HTTP status
   * @param headers the headers to set (Content-Type, Content-Encoding, Retry-After, ETag, ...);
   *     Content-Length is left to the host's stack
   * @param body the body bytes, possibly gzip (see the Content-Encoding header); empty for 304
   */
  @JvmOnly
  public record Response(int status, Map<String, String> headers, byte[] body) {
    /** Copies the headers. */
    public Response {
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "body == null");
    }
  }

  @JvmOnly
  private enum Op {
    HANDSHAKE("POST"),
    PUSH("POST"),
    PULL("GET"),
    LIVE("GET");

    final String method;

    Op(String method) {
      this.method = method;
    }
  }

  private final SyncHandler handler;
  private final Authenticator authenticator;
  private final HttpServerLimits limits;
  private final WireCodec codec;
  private final Semaphore requests;
  private final Semaphore longPolls;

  private HttpSyncEndpoint(Builder b) {
    this.handler = b.handler;
    this.authenticator = b.authenticator;
    this.limits = b.limits;
    this.codec =
        new WireCodec(limits.maxNestingDepth(), limits.maxNumberLength(), limits.maxDecodedBytes());
    this.requests = new Semaphore(limits.maxConcurrentRequests());
    this.longPolls = new Semaphore(limits.maxLongPolls());
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The limits this endpoint enforces. */
  public HttpServerLimits limits() {
    return limits;
  }

  /**
   * Answers {@code request}. Never throws: every failure becomes a JSON error response with a code
   * (see {@code docs/http-protocol.md}); an unexpected exception becomes 500 without details.
   */
  public Response handle(Request request) {
    Objects.requireNonNull(request, "request == null");
    boolean gzipOk = Gzip.accepted(request.header("accept-encoding"));
    try {
      return route(request, gzipOk);
    } catch (WireException e) {
      return error(e.status(), e.code(), e.getMessage(), e.rejections(), 0, null, gzipOk);
    } catch (SyncException e) {
      return fromSyncException(e, gzipOk);
    } catch (RuntimeException e) {
      return error(500, ErrorCodes.INTERNAL, "internal server error", List.of(), 0, null, gzipOk);
    }
  }

  private Response route(Request request, boolean gzipOk) throws WireException {
    Op op =
        switch (request.path()) {
          case "/v1/handshake" -> Op.HANDSHAKE;
          case "/v1/push" -> Op.PUSH;
          case "/v1/pull" -> Op.PULL;
          case "/v1/live" -> Op.LIVE;
          default -> null;
        };
    if (op == null) {
      if (request.path().matches("/v[0-9]+/.*") && !request.path().startsWith("/v1/")) {
        throw new WireException(
            426,
            ErrorCodes.PROTOCOL,
            "this server speaks protocol version " + Protocol.VERSION + " under /v1/");
      }
      throw new WireException(404, ErrorCodes.NOT_FOUND, "no such resource: " + request.path());
    }
    if (!op.method.equals(request.method())) {
      throw new WireException(
          405,
          ErrorCodes.METHOD_NOT_ALLOWED,
          request.path() + " accepts " + op.method + ", not " + request.method());
    }
    checkProtocol(request.header(PROTOCOL_HEADER));
    CallContext context = new CallContext(authenticate(request), request.remoteAddress());
    if (op == Op.LIVE) {
      if (!longPolls.tryAcquire()) {
        return busy("too many live long-polls", gzipOk);
      }
      try {
        return live(context, Query.parse(request.query()), request, gzipOk);
      } finally {
        longPolls.release();
      }
    }
    if (!requests.tryAcquire()) {
      return busy("too many concurrent requests", gzipOk);
    }
    try {
      return switch (op) {
        case HANDSHAKE -> {
          HandshakeRequest hs = codec.decodeHandshakeRequest(body(request));
          yield ok(WireCodec.encodeHandshakeResponse(handler.handshake(context, hs)), gzipOk);
        }
        case PUSH -> {
          PushRequest push = codec.decodePushRequest(body(request));
          yield fromOutcome(handler.push(context, push), gzipOk);
        }
        default -> pull(context, Query.parse(request.query()), request, gzipOk);
      };
    } finally {
      requests.release();
    }
  }

  private static void checkProtocol(String value) throws WireException {
    if (value == null) {
      throw new WireException(
          426,
          ErrorCodes.PROTOCOL,
          "missing header " + PROTOCOL_HEADER + "; this server speaks version " + Protocol.VERSION);
    }
    if (!value.trim().equals(Integer.toString(Protocol.VERSION))) {
      throw new WireException(
          426,
          ErrorCodes.PROTOCOL,
          "protocol version \""
              + abbreviate(value)
              + "\" is not supported; this server speaks version "
              + Protocol.VERSION);
    }
  }

  private String authenticate(Request request) throws WireException {
    String auth = request.header("authorization");
    String token = null;
    if (auth != null) {
      String a = auth.trim();
      if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new WireException(
            401, ErrorCodes.UNAUTHENTICATED, "the Authorization header must use the Bearer scheme");
      }
      token = a.substring(7).trim();
      if (token.isEmpty()) {
        throw new WireException(401, ErrorCodes.UNAUTHENTICATED, "the bearer token is empty");
      }
    }
    return authenticator.authenticate(token);
  }

  /** The body after the content-type, encoding and size checks, decompressed. */
  private byte[] body(Request request) throws WireException {
    String type = request.header("content-type");
    if (type == null
        || !type.trim().toLowerCase(Locale.ROOT).startsWith(JSON)
        || type.trim().length() > JSON.length() && type.trim().charAt(JSON.length()) != ';') {
      throw new WireException(
          415,
          ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
          "the body must be application/json, not " + (type == null ? "unspecified" : type));
    }
    byte[] body = request.body();
    if (body.length > limits.maxRequestBytes()) {
      throw tooLarge("body of " + body.length + " bytes exceeds " + limits.maxRequestBytes());
    }
    String encoding = request.header("content-encoding");
    if (encoding == null || encoding.trim().equalsIgnoreCase("identity")) {
      return body;
    }
    if (!encoding.trim().equalsIgnoreCase("gzip")) {
      throw new WireException(
          415,
          ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
          "unsupported Content-Encoding \"" + abbreviate(encoding) + "\"; use gzip or none");
    }
    try {
      return Gzip.decompress(body, limits.maxDecodedBytes());
    } catch (Gzip.TooLargeException e) {
      throw tooLarge("decompressed body exceeds " + limits.maxDecodedBytes() + " bytes");
    } catch (IOException e) {
      throw WireException.badRequest("the body is not valid gzip: " + e.getMessage());
    }
  }

  private static WireException tooLarge(String message) {
    return new WireException(413, ErrorCodes.TOO_LARGE, message);
  }

  private Response pull(CallContext context, Query q, Request request, boolean gzipOk)
      throws WireException {
    String scope = q.required("scope");
    PullRequest pull;
    try {
      pull =
          new PullRequest(
              q.required("requesterId"),
              scope,
              q.longParam("afterSeq", 0, WireCodec.MAX_SAFE_INTEGER, null),
              (int) q.longParam("maxChanges", 1, Integer.MAX_VALUE, 1000L),
              q.longParam("maxBytes", 1, Long.MAX_VALUE, 8L << 20));
    } catch (IllegalArgumentException e) {
      throw WireException.badRequest(e.getMessage());
    }
    PullResponse response = handler.pull(context, pull);
    if (!(response.outcome() instanceof Outcome.Success)) {
      return fromOutcome(response.outcome(), gzipOk);
    }
    return page(response.page(), request, gzipOk);
  }

  /** A page; an empty one carries an ETag so that asking again can be answered by 304. */
  private Response page(FeedPage page, Request request, boolean gzipOk) {
    if (!page.changes().isEmpty()) {
      Response r = ok(WireCodec.encodePage(page), gzipOk);
      return withHeader(r, "Cache-Control", "no-store");
    }
    String etag = "\"c" + page.nextCursor() + (page.hasMore() ? "m" : "") + "\"";
    String inm = request.header("if-none-match");
    if (inm != null && matches(inm, etag)) {
      return new Response(304, Map.of("ETag", etag, "Cache-Control", "no-cache"), new byte[0]);
    }
    Response r = ok(WireCodec.encodePage(page), gzipOk);
    return withHeader(withHeader(r, "ETag", etag), "Cache-Control", "no-cache");
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(etag) || c.equals("*")) {
        return true;
      }
    }
    return false;
  }

  private Response live(CallContext context, Query q, Request request, boolean gzipOk)
      throws WireException {
    LiveRequest live;
    long waitMillis;
    try {
      live =
          new LiveRequest(
              q.required("requesterId"),
              q.required("scope"),
              q.longParam("afterSeq", 0, WireCodec.MAX_SAFE_INTEGER, null));
      long maxWait = limits.maxLongPollWait().toMillis();
      long waitSeconds = q.longParam("waitSeconds", 0, 86_400, maxWait / 1000);
      waitMillis = Math.min(maxWait, waitSeconds * 1000);
    } catch (IllegalArgumentException e) {
      throw WireException.badRequest(e.getMessage());
    }
    CompletableFuture<FeedPage> first = new CompletableFuture<>();
    Cancellable subscription =
        handler.live(
            context,
            live,
            new LiveListener() {
              @Override
              public void onPage(FeedPage page) {
                first.complete(page);
              }

              @Override
              public void onError(Throwable error) {
                first.completeExceptionally(error);
              }
            });
    try {
      FeedPage page;
      try {
        page = first.get(waitMillis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        page = FeedPage.empty(live.afterSeq());
      }
      return page(page, request, gzipOk);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SyncException(SyncException.Code.UNAVAILABLE, "server is shutting down");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SyncException se) {
        throw se;
      }
      throw new SyncException(SyncException.Code.UNAVAILABLE, "live stream failed", cause);
    } finally {
      subscription.cancel();
    }
  }

  private Response busy(String why, boolean gzipOk) {
    return error(
        503,
        ErrorCodes.UNAVAILABLE,
        "server busy: " + why,
        List.of(),
        0,
        limits.busyRetryAfter(),
        gzipOk);
  }

  private Response fromOutcome(Outcome o, boolean gzipOk) {
    if (o instanceof Outcome.Success) {
      return ok(WireCodec.encodePushSuccess(), gzipOk);
    } else if (o instanceof Outcome.TooLarge t) {
      return error(413, ErrorCodes.TOO_LARGE, t.reason(), List.of(), t.maxChanges(), null, gzipOk);
    } else if (o instanceof Outcome.Rejected r) {
      return error(
          422,
          ErrorCodes.REJECTED,
          r.rejections().size() + " change(s) refused; nothing of the batch was applied",
          r.rejections(),
          0,
          null,
          gzipOk);
    } else if (o instanceof Outcome.Retry r) {
      return error(503, ErrorCodes.UNAVAILABLE, r.reason(), List.of(), 0, r.retryAfter(), gzipOk);
    } else {
      Outcome.Failed f = (Outcome.Failed) o;
      return fromSyncException(new SyncException(f.code(), f.reason()), gzipOk);
    }
  }

  private Response fromSyncException(SyncException e, boolean gzipOk) {
    int status =
        switch (e.code()) {
          case INVALID_ARGUMENT -> 400;
          case TOO_LARGE -> 413;
          case UNAUTHENTICATED -> 401;
          case PERMISSION_DENIED -> 403;
          case PROTOCOL -> 426;
          case RESOURCE_EXHAUSTED -> 429;
          case TIMEOUT -> 504;
          case UNAVAILABLE, STORE_FAILURE, CLOSED -> 503;
          case SCHEMA_TOO_NEW, INTERNAL -> 500;
        };
    String code =
        switch (e.code()) {
          case STORE_FAILURE, CLOSED -> ErrorCodes.UNAVAILABLE;
          case SCHEMA_TOO_NEW -> ErrorCodes.INTERNAL;
          default -> e.code().name();
        };
    Duration retryAfter = e.retryAfter();
    if (retryAfter == null && status == 429) {
      retryAfter = limits.busyRetryAfter();
    }
    return error(status, code, e.getMessage(), List.of(), 0, retryAfter, gzipOk);
  }

  private static Response ok(byte[] json, boolean gzipOk) {
    return respond(200, new TreeMap<>(), json, gzipOk);
  }

  private static Response error(
      int status,
      String code,
      String message,
      List<Outcome.Rejection> rejections,
      int maxChanges,
      Duration retryAfter,
      boolean gzipOk) {
    Map<String, String> headers = new TreeMap<>();
    long retrySeconds = -1;
    if (retryAfter != null) {
      retrySeconds = RetryAfter.seconds(retryAfter);
      headers.put("Retry-After", Long.toString(retrySeconds));
    }
    if (status == 401) {
      headers.put("WWW-Authenticate", "Bearer realm=\"syncline\"");
    }
    if (status == 426) {
      headers.put("Upgrade", "syncline/" + Protocol.VERSION);
    }
    byte[] body =
        WireCodec.encodeError(
            code, message == null ? "" : message, rejections, maxChanges, retrySeconds);
    return respond(status, headers, body, gzipOk);
  }

  private static Response respond(
      int status, Map<String, String> headers, byte[] json, boolean gzipOk) {
    headers.put("Content-Type", JSON);
    if (gzipOk && json.length >= GZIP_THRESHOLD) {
      headers.put("Content-Encoding", "gzip");
      headers.put("Vary", "Accept-Encoding");
      return new Response(status, headers, Gzip.compress(json));
    }
    return new Response(status, headers, json);
  }

  private static Response withHeader(Response r, String name, String value) {
    Map<String, String> h = new TreeMap<>(r.headers());
    h.put(name, value);
    return new Response(r.status(), h, r.body());
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /**
   * Builds an {@link HttpSyncEndpoint}. The handler is required; the authenticator must be chosen
   * explicitly (use {@link Authenticator#ANONYMOUS} on purpose, never by default).
   */
  @JvmOnly
  public static final class Builder {
    private SyncHandler handler;
    private Authenticator authenticator;
    private HttpServerLimits limits = HttpServerLimits.DEFAULT;

    private Builder() {}

    /** The engine's server side, usually {@code SyncEngine.handler()}. Required. */
    public Builder handler(SyncHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler == null");
      return this;
    }

    /** Who the callers are. Required. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
      return this;
    }

    /** Request bounds (default {@link HttpServerLimits#DEFAULT}). */
    public Builder limits(HttpServerLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits == null");
      return this;
    }

    /**
     * Builds the endpoint.
     *
     * @throws IllegalStateException naming what is missing
     */
    public HttpSyncEndpoint build() {
      if (handler == null) {
        throw new IllegalStateException("handler is not set");
      }
      if (authenticator == null) {
        throw new IllegalStateException(
            "authenticator is not set (use Authenticator.ANONYMOUS to admit everybody)");
      }
      return new HttpSyncEndpoint(this);
    }
  }
}
