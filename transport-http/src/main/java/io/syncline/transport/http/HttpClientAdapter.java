package io.syncline.transport.http;

import io.syncline.transport.http.internal.JdkHttpClientAdapter;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The HTTP client {@link HttpSyncTransport} sends its requests through: one blocking call per
 * exchange. The default ({@link #jdk}) uses {@code java.net.http}; an Android host, which has no
 * {@code java.net.http}, plugs OkHttp in a dozen lines:
 *
 * <pre>{@code
 * HttpClientAdapter okHttp = request -> {
 *   okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(request.uri().toString());
 *   request.headers().forEach(b::header);
 *   b.method(request.method(), request.method().equals("GET") ? null
 *       : okhttp3.RequestBody.create(request.body(), null)); // Content-Type is in the headers
 *   okhttp3.Call call = client.newBuilder().callTimeout(request.timeout()).build().newCall(b.build());
 *   try (okhttp3.Response r = call.execute()) {
 *     Map<String, String> headers = new TreeMap<>();
 *     r.headers().toMultimap().forEach((k, v) -> headers.put(k, String.join(", ", v)));
 *     okio.BufferedSource source = r.body().source();
 *     if (!source.request(request.maxResponseBytes() + 1)) {  // fewer bytes than the bound
 *       return new HttpClientAdapter.Response(r.code(), headers, source.readByteArray());
 *     }
 *     throw new IOException("response exceeds " + request.maxResponseBytes() + " bytes");
 *   }
 * };
 * }</pre>
 *
 * <p>Contract for implementations: send the method, URI, headers and body as given (the transport
 * sets {@code Accept-Encoding} and {@code Content-Encoding} itself, so the client must not
 * decompress on its own: OkHttp does not when the caller sets {@code Accept-Encoding}); do not
 * follow redirects; read the whole body, refusing more than {@link Request#maxResponseBytes()};
 * give up after {@link Request#timeout()} for the whole exchange. Throw {@link IOException} when
 * the exchange fails or times out (the engine retries with backoff; every request of the protocol
 * is safe to repeat); return every response that arrived, whatever its status. Silent retries
 * inside the client are harmless, since the protocol is idempotent.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface HttpClientAdapter extends Closeable {

  /**
   * One request.
   *
   * @param method {@code GET} or {@code POST}
   * @param uri the absolute URI, query included
   * @param headers the headers to send
   * @param body the body; empty for GET
   * @param timeout the most time the whole exchange may take
   * @param maxResponseBytes the most body bytes to accept
   */
  record Request(
      String method,
      URI uri,
      Map<String, String> headers,
      byte[] body,
      Duration timeout,
      long maxResponseBytes) {
    /** Validates and copies. */
    public Request {
      Objects.requireNonNull(method, "method == null");
      Objects.requireNonNull(uri, "uri == null");
      // Not Map.copyOf: Android API 26 lacks it.
      headers =
          Collections.unmodifiableMap(
              new TreeMap<>(Objects.requireNonNull(headers, "headers == null")));
      Objects.requireNonNull(body, "body == null");
      Objects.requireNonNull(timeout, "timeout == null");
      if (maxResponseBytes < 1) {
        throw new IllegalArgumentException("maxResponseBytes < 1: " + maxResponseBytes);
      }
    }
  }

  /**
   * One response.
   *
   * @param status the HTTP status
   * @param headers the headers, names in any case (copied to lower case); repeated headers joined
   *     with {@code ", "}
   * @param body the body as received (still gzip if {@code Content-Encoding} says so)
   */
  record Response(int status, Map<String, String> headers, byte[] body) {
    /** Validates and copies; header names become lower case. */
    public Response {
      Objects.requireNonNull(headers, "headers == null");
      Map<String, String> lower = new TreeMap<>();
      headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + ", " + b));
      headers = Collections.unmodifiableMap(lower);
      Objects.requireNonNull(body, "body == null");
    }

    /** The value of header {@code name} (any case), or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Performs one exchange.
   *
   * @throws IOException if it failed or timed out; an {@link java.io.InterruptedIOException} if the
   *     calling thread was interrupted
   */
  Response execute(Request request) throws IOException;

  /** Releases the client's resources. The default does nothing. */
  @Override
  default void close() {}

  /**
   * An adapter over {@code java.net.http.HttpClient} (HTTP/1.1, no redirects) with the given
   * connect timeout. Not available on Android.
   */
  static HttpClientAdapter jdk(Duration connectTimeout) {
    return new JdkHttpClientAdapter(Objects.requireNonNull(connectTimeout, "connectTimeout"));
  }

  /**
   * Like {@link #jdk(Duration)}, trusting the servers {@code sslContext} trusts over https (for a
   * server with a private certificate authority or a pinned certificate). Not available on Android.
   */
  static HttpClientAdapter jdk(Duration connectTimeout, javax.net.ssl.SSLContext sslContext) {
    return new JdkHttpClientAdapter(
        Objects.requireNonNull(connectTimeout, "connectTimeout"),
        Objects.requireNonNull(sslContext, "sslContext"));
  }
}
