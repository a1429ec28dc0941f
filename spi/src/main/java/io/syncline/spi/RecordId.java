package io.syncline.spi;

/**
 * The identity of a record: a collection and a key within it.
 *
 * <p>A collection name is 1 to 64 characters of letters, digits and {@code _-.:@}. A key is 1 to
 * {@value #MAX_KEY_LENGTH} characters of any kind except control characters. Ordered by collection,
 * then key (by UTF-16 code units, the same on every JVM and locale).
 */
public record RecordId(String collection, String key) implements Comparable<RecordId> {
  private static final Checks.LastValid LAST_COLLECTION = new Checks.LastValid();

  /** The longest key, in characters. */
  public static final int MAX_KEY_LENGTH = 256;

  /** Validates both parts; throws {@link IllegalArgumentException} naming the bad one. */
  public RecordId {
    Checks.identifier(collection, "collection", 64, LAST_COLLECTION);
    Checks.notNull(key, "key");
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "key must have 1 to "
              + MAX_KEY_LENGTH
              + " characters: \""
              + Checks.abbreviate(key)
              + "\"");
    }
    for (int i = 0; i < key.length(); i++) {
      if (Character.isISOControl(key.charAt(i))) {
        throw new IllegalArgumentException("key holds a control character at index " + i);
      }
    }
  }

  /** Shorthand for {@code new RecordId(collection, key)}. */
  public static RecordId of(String collection, String key) {
    return new RecordId(collection, key);
  }

  @Override
  public int compareTo(RecordId o) {
    int c = collection.compareTo(o.collection);
    return c != 0 ? c : key.compareTo(o.key);
  }

  @Override
  public String toString() {
    return collection + "/" + key;
  }
}
