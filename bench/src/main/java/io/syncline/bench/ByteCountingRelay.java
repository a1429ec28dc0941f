package io.syncline.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP relay on 127.0.0.1 that counts the bytes it forwards: clients connect to {@link #port()},
 * the relay connects each to the target port and copies both ways. Whatever the protocol (gRPC's
 * HTTP/2 frames, PouchDB's HTTP/1.1 with its headers and gzip), what is counted is what crossed the
 * socket, so two protocols are compared on the same terms.
 *
 * <p>Thread-safe. Two daemon threads per connection (blocking copies); TCP_NODELAY on both sides so
 * the relay adds no batching delay of its own. {@link #close()} stops accepting and closes every
 * connection.
 */
public final class ByteCountingRelay implements Closeable {
  private final ServerSocket listener;
  private final int targetPort;
  private final LongAdder upstream = new LongAdder();
  private final LongAdder downstream = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final List<Socket> sockets = new ArrayList<>();
  private volatile boolean closed;

  private ByteCountingRelay(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::acceptLoop, "relay-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a relay to {@code 127.0.0.1:targetPort}. */
  public static ByteCountingRelay start(int targetPort) throws IOException {
    if (targetPort < 1 || targetPort > 65535) {
      throw new IllegalArgumentException("targetPort out of range: " + targetPort);
    }
    return new ByteCountingRelay(targetPort);
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** {@code 127.0.0.1:port}, a gRPC target. */
  public String target() {
    return "127.0.0.1:" + port();
  }

  /** Bytes sent by clients to the target so far. */
  public long upstreamBytes() {
    return upstream.sum();
  }

  /** Bytes sent by the target to clients so far. */
  public long downstreamBytes() {
    return downstream.sum();
  }

  /** Both directions. */
  public long totalBytes() {
    return upstreamBytes() + downstreamBytes();
  }

  /** Connections accepted so far. */
  public long connections() {
    return connections.sum();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        synchronized (sockets) {
          if (closed) {
            client.close();
            server.close();
            return;
          }
          sockets.add(client);
          sockets.add(server);
        }
        connections.increment();
        pump(client, server, upstream, "up");
        pump(server, client, downstream, "down");
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to, LongAdder counter, String direction) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  counter.add(n);
                }
                to.shutdownOutput();
              } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "relay-" + direction + "-" + port());
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    synchronized (sockets) {
      sockets.forEach(ByteCountingRelay::closeQuietly);
      sockets.clear();
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }

  @Override
  public String toString() {
    return "ByteCountingRelay{" + port() + " -> " + targetPort + "}";
  }
}
