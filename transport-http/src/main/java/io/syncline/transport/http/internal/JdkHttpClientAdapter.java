package io.syncline.transport.http.internal;

import io.syncline.transport.http.HttpClientAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * {@link HttpClientAdapter} over {@code java.net.http}: HTTP/1.1 (no h2c upgrade dance), no
 * redirects, a deadline on the whole exchange (headers and body), and a bounded body.
 */
@JvmOnly
public final class JdkHttpClientAdapter implements HttpClientAdapter {
  private final HttpClient client;

  public JdkHttpClientAdapter(Duration connectTimeout) {
    this(connectTimeout, null);
  }

  /** With {@code sslContext} deciding whom to trust over https; null for the JDK's default. */
  public JdkHttpClientAdapter(Duration connectTimeout, SSLContext sslContext) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout);
    if (sslContext != null) {
      b.sslContext(sslContext);
    }
    this.client = b.build();
  }

  @Override
  public Response execute(Request request) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(request.timeout());
    request.headers().forEach(b::header);
    if (request.method().equals("GET")) {
      b.GET();
    } else {
      b.method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
    }
    CompletableFuture<HttpResponse<byte[]>> future =
        client.sendAsync(b.build(), info -> new Bounded(request.maxResponseBytes()));
    HttpResponse<byte[]> r;
    try {
      r = future.get(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + request.uri());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new HttpTimeoutException("no complete response within " + request.timeout());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(String.valueOf(cause), cause);
    }
    Map<String, String> headers = new TreeMap<>();
    r.headers().map().forEach((k, v) -> headers.put(k, String.join(", ", v)));
    return new Response(r.statusCode(), headers, r.body());
  }

  /** Collects the body, failing once it passes its bound. */
  @JvmOnly
  private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
    private final long max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    Bounded(long max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        if (out.size() + (long) item.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new IOException("response exceeds " + max + " bytes"));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
