package io.syncline.spi;

/** Constants of the sync protocol shared by every transport. */
public final class Protocol {
  /** The protocol version this code speaks. */
  public static final int VERSION = 1;

  private Protocol() {}
}
