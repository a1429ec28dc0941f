package io.syncline.transport.http.internal;

/** The {@code error.code} strings of the HTTP protocol; see docs/http-protocol.md. */
public final class ErrorCodes {
  public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
  public static final String INVALID_JSON = "INVALID_JSON";
  public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
  public static final String PERMISSION_DENIED = "PERMISSION_DENIED";
  public static final String NOT_FOUND = "NOT_FOUND";
  public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
  public static final String TOO_LARGE = "TOO_LARGE";
  public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
  public static final String REJECTED = "REJECTED";
  public static final String PROTOCOL = "PROTOCOL";
  public static final String RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED";
  public static final String UNAVAILABLE = "UNAVAILABLE";
  public static final String TIMEOUT = "TIMEOUT";
  public static final String INTERNAL = "INTERNAL";

  private ErrorCodes() {}
}
