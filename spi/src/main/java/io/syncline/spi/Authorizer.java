package io.syncline.spi;

/**
 * Decides what a caller may read and write on a server. Consulted by the engine's {@link
 * SyncHandler} before anything is returned or applied.
 *
 * <p>Implementations are thread-safe and fast (called for every pulled scope and pushed change).
 */
public interface Authorizer {
  /** Allows every caller everything: for trusted peers and tests. */
  Authorizer ALLOW_ALL = new Authorizer() {};

  /**
   * Whether {@code principal} (null if anonymous) may read the records of {@code scope}. The
   * default allows it.
   */
  default boolean canRead(String principal, String scope) {
    return true;
  }

  /**
   * Whether {@code principal} (null if anonymous) may write {@code record} (its scope, collection
   * and key are all available). The default allows it.
   */
  default boolean canWrite(String principal, SyncRecord record) {
    return true;
  }
}
