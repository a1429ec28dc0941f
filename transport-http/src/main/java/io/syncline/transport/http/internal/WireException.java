package io.syncline.transport.http.internal;

import io.syncline.spi.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A request the HTTP layer refuses before it reaches the handler, with the status and error code to
 * answer. Thrown by the decoder and the endpoint; never escapes them.
 */
public final class WireException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient List<Outcome.Rejection> rejections;

  public WireException(int status, String code, String message) {
    this(status, code, message, Collections.<Outcome.Rejection>emptyList());
  }

  public WireException(
      int status, String code, String message, List<Outcome.Rejection> rejections) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    // Not List.copyOf: Android API 26 lacks it.
    this.rejections = Collections.unmodifiableList(new ArrayList<>(rejections));
  }

  /** A 400 with code {@code INVALID_ARGUMENT}. */
  public static WireException badRequest(String message) {
    return new WireException(400, ErrorCodes.INVALID_ARGUMENT, message);
  }

  /** A 400 with code {@code INVALID_JSON}. */
  public static WireException badJson(String message) {
    return new WireException(400, ErrorCodes.INVALID_JSON, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<Outcome.Rejection> rejections() {
    return rejections;
  }
}
