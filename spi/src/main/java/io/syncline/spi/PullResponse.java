package io.syncline.spi;

/**
 * The answer to a pull: an outcome and, on success, a page of the peer's feed.
 *
 * @param outcome how the peer answered
 * @param page the page; non-null exactly when {@code outcome} is {@link Outcome.Success}
 */
public record PullResponse(Outcome outcome, FeedPage page) {
  /** Validates: a page is present exactly on success. */
  public PullResponse {
    Checks.notNull(outcome, "outcome");
    if ((outcome instanceof Outcome.Success) != (page != null)) {
      throw new IllegalArgumentException("a pull response has a page exactly on success");
    }
  }

  /** A successful response carrying {@code page}. */
  public static PullResponse of(FeedPage page) {
    return new PullResponse(Outcome.SUCCESS, Checks.notNull(page, "page"));
  }

  /** An unsuccessful response. */
  public static PullResponse failed(Outcome outcome) {
    return new PullResponse(outcome, null);
  }
}
