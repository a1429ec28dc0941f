package io.syncline.spi;

import java.io.IOException;

/**
 * The client side of a transport: opens connections to one peer.
 *
 * <p>Thread-safe. The engine opens a connection for a sync session and closes it afterwards.
 *
 * <p>Conformance: transports pass the suites in {@code syncline-testkit}.
 */
public interface SyncTransport {
  /**
   * Opens a connection to the peer. Throws {@link IOException} if the peer cannot be reached (the
   * engine retries with backoff) or {@link SyncException} for a failure that retrying cannot fix.
   */
  SyncConnection connect() throws IOException;
}
