package io.syncline.spi;

/** A handle that stops something running, such as a live stream. Idempotent and thread-safe. */
@FunctionalInterface
public interface Cancellable {
  /** Stops; calling it again does nothing. */
  void cancel();
}
