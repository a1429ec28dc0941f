package io.syncline.transport.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of a server that can reset a connection in the middle of a response: the
 * server has done its work and sent part of the answer when the client's socket is torn down.
 */
final class ChaosProxy implements Closeable {
  private record Rule(String requestPrefix, int skip, int bytes) {}

  private final ServerSocket listener;
  private final int upstreamPort;
  private final AtomicReference<Rule> armed = new AtomicReference<>();
  private final AtomicInteger matches = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  ChaosProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "chaos-accept");
    t.setDaemon(true);
    t.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
  }

  /**
   * After {@code skip} requests that start with {@code requestPrefix} (such as {@code "POST
   * /v1/push"}), the response to the next one is cut after {@code bytes} bytes with a TCP reset.
   */
  void cutResponse(String requestPrefix, int skip, int bytes) {
    matches.set(0);
    armed.set(new Rule(requestPrefix, skip, bytes));
  }

  /** How many responses were cut so far. */
  int cuts() {
    return cuts.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        sockets.add(client);
        sockets.add(upstream);
        AtomicInteger cutAfter = new AtomicInteger(-1);
        pump("chaos-up", client, upstream, cutAfter, true);
        pump("chaos-down", upstream, client, cutAfter, false);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(String name, Socket from, Socket to, AtomicInteger cutAfter, boolean up) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) != -1) {
                  if (up) {
                    Rule rule = armed.get();
                    if (rule != null
                        && new String(buf, 0, n, StandardCharsets.ISO_8859_1)
                            .startsWith(rule.requestPrefix())
                        && matches.getAndIncrement() == rule.skip()
                        && armed.compareAndSet(rule, null)) {
                      cutAfter.set(rule.bytes());
                    }
                    out.write(buf, 0, n);
                  } else {
                    int limit = cutAfter.get();
                    if (limit >= 0) {
                      out.write(buf, 0, Math.min(n, limit));
                      out.flush();
                      cuts.incrementAndGet();
                      to.setSoLinger(true, 0); // close with RST, not FIN
                      to.close();
                      from.close();
                      return;
                    }
                    out.write(buf, 0, n);
                  }
                  out.flush();
                }
                to.shutdownOutput();
              } catch (IOException e) {
                closeQuietly(to);
                closeQuietly(from);
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}
