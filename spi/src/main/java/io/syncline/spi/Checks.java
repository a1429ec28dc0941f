package io.syncline.spi;

import java.util.AbstractList;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;

/** Argument checks shared by the value types; messages name the parameter. */
final class Checks {
  private Checks() {}

  /**
   * The last string one call site found a valid identifier. The names of a record (collection,
   * scope, replica, the peer it came from) are mostly shared strings that every record of a batch
   * carries, and each value built from them checks them again. Threads share a holder without
   * locking, which is safe: a string found in it was checked at that site, and strings are
   * immutable. A string equal to the held one is valid too and leaves the holder as it is, so two
   * threads with equal names of their own (a client's store and a server's decoder in one process)
   * neither check each record again nor take the holder's cache line from each other.
   */
  static final class LastValid {
    private String value;
  }

  /** {@link #identifier(String, String, int)}, skipped for the string {@code last} holds. */
  static String identifier(String value, String name, int max, LastValid last) {
    String held = last.value;
    if (value != null && (value == held || value.equals(held))) {
      return value;
    }
    identifier(value, name, max);
    last.value = value;
    return value;
  }

  static <T> T notNull(T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " == null");
    }
    return value;
  }

  /**
   * Checks an identifier (collection, scope, replica or peer id): 1 to {@code max} characters of
   * letters, digits and {@code _ - . : @}, so that it is safe in file names, URLs and SQL
   * identifiers alike.
   */
  static String identifier(String value, String name, int max) {
    notNull(value, name);
    if (value.isEmpty() || value.length() > max) {
      throw new IllegalArgumentException(
          name + " must have 1 to " + max + " characters: \"" + abbreviate(value) + "\"");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.'
              || c == ':'
              || c == '@';
      if (!ok) {
        throw new IllegalArgumentException(
            name
                + " may hold only letters, digits and _-.:@, found '"
                + c
                + "' in \""
                + abbreviate(value)
                + "\"");
      }
    }
    return value;
  }

  /**
   * An unmodifiable copy of {@code values}, refusing null elements. A list this method made before
   * is returned as it is: value types pass their lists to each other without copying again.
   * (Android before API 30 lacks {@code List.copyOf}.)
   */
  static <T> List<T> immutableList(Collection<? extends T> values, String name) {
    notNull(values, name);
    if (values instanceof Frozen) {
      @SuppressWarnings("unchecked") // a Frozen list is never written to, so reading as T is safe
      List<T> same = (List<T>) values;
      return same;
    }
    Object[] copy = values.toArray();
    for (Object t : copy) {
      if (t == null) {
        throw new NullPointerException(name + " holds a null element");
      }
    }
    return new Frozen<>(copy);
  }

  /** An immutable list over an array nobody else holds. */
  private static final class Frozen<T> extends AbstractList<T> implements RandomAccess {
    private final Object[] elements;

    Frozen(Object[] elements) {
      this.elements = elements;
    }

    @Override
    @SuppressWarnings("unchecked") // only elements of T were put in
    public T get(int index) {
      return (T) elements[index];
    }

    @Override
    public int size() {
      return elements.length;
    }
  }

  static long nonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " < 0: " + value);
    }
    return value;
  }

  static int positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " <= 0: " + value);
    }
    return value;
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
