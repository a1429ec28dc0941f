package io.syncline.spi;

/**
 * Receives the pages of a live stream. Calls for one stream are serialized (never concurrent), on a
 * thread of the party that produces them; implementations must not block for long.
 */
public interface LiveListener {
  /** New changes committed past the last page's cursor. */
  void onPage(FeedPage page);

  /** The stream ended with an error; no more calls follow. */
  void onError(Throwable error);
}
