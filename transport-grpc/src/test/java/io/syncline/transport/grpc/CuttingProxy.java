package io.syncline.transport.grpc;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a server that can reset every connection through it at once, and counts
 * the bytes it relays each way.
 */
final class CuttingProxy implements Closeable {
  private final ServerSocket listener;
  private final int upstreamPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicLong toServer = new AtomicLong();
  private final AtomicLong toClient = new AtomicLong();

  CuttingProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "cutting-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  String target() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Resets every open connection (both sides see a TCP reset). */
  void cutAll() {
    cuts.incrementAndGet();
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
    sockets.clear();
  }

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
        pump(client, upstream, toServer);
        pump(upstream, client, toClient);
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Bytes relayed from clients to the server so far. */
  long bytesToServer() {
    return toServer.get();
  }

  /** Bytes relayed from the server to clients so far. */
  long bytesToClient() {
    return toClient.get();
  }

  private void pump(Socket from, Socket to, AtomicLong counter) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  counter.addAndGet(n); // counted before the far side can see them
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // cut or closed
              } finally {
                try {
                  from.close();
                  to.close();
                } catch (IOException e) {
                  // nothing more to do
                }
              }
            },
            "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cutAll();
  }
}
