package io.syncline.transport.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * An {@link HttpSyncEndpoint} mounted at {@code /sync/} of the JDK's own HTTP server: the way a
 * host plugs the protocol into an HTTP stack it already runs. It can also answer the next requests
 * of a path with a scripted status, as a proxy or load balancer in front of a server would.
 */
final class JdkServerMount implements Closeable {
  record Scripted(String path, int status, Map<String, String> headers) {}

  private final HttpServer server;
  private final Deque<Scripted> scripted = new ArrayDeque<>();

  JdkServerMount(HttpSyncEndpoint endpoint) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/sync/", exchange -> handle(endpoint, exchange));
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/sync/");
  }

  /** The next request of {@code path} (such as {@code /v1/push}) gets this answer instead. */
  synchronized void script(String path, int status, Map<String, String> headers) {
    scripted.add(new Scripted(path, status, headers));
  }

  private synchronized Scripted nextScripted(String path) {
    Scripted s = scripted.peek();
    if (s != null && s.path().equals(path)) {
      return scripted.poll();
    }
    return null;
  }

  private void handle(HttpSyncEndpoint endpoint, HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath().substring("/sync".length());
      Scripted s = nextScripted(path);
      if (s != null) {
        exchange.getRequestBody().readAllBytes();
        s.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        byte[] body = "<html>busy</html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(s.status(), body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(", ", v)));
      HttpSyncEndpoint.Response r =
          endpoint.handle(
              new HttpSyncEndpoint.Request(
                  exchange.getRequestMethod(),
                  path,
                  exchange.getRequestURI().getRawQuery(),
                  headers,
                  exchange
                      .getRequestBody()
                      .readNBytes((int) endpoint.limits().maxRequestBytes() + 1),
                  String.valueOf(exchange.getRemoteAddress())));
      r.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
