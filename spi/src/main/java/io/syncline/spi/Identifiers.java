package io.syncline.spi;

/**
 * The rule for replica, peer, collection and property names: 1 to 64 characters of letters, digits
 * and {@code _ - . : @}, safe in file names, URLs and SQL identifiers alike.
 */
public final class Identifiers {
  /** The longest identifier, in characters. */
  public static final int MAX_LENGTH = 64;

  private Identifiers() {}

  /**
   * Returns {@code value} if it is a valid identifier; otherwise throws {@link
   * IllegalArgumentException} (or {@link NullPointerException}) naming {@code name}.
   */
  public static String check(String value, String name) {
    return Checks.identifier(value, name, MAX_LENGTH);
  }
}
