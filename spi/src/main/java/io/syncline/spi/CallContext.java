package io.syncline.spi;

/**
 * Who is calling a {@link SyncHandler}, as the transport established it.
 *
 * @param principal the authenticated principal (a user or service name), or null for an anonymous
 *     caller
 * @param remoteAddress where the call came from, for logs, or null if unknown
 */
public record CallContext(String principal, String remoteAddress) {
  /** An anonymous caller in the same process (tests, in-process transports). */
  public static final CallContext IN_PROCESS = new CallContext(null, null);

  /** A caller authenticated as {@code principal}. */
  public static CallContext of(String principal) {
    return new CallContext(Checks.notNull(principal, "principal"), null);
  }
}
