package io.syncline.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.engine.internal.FieldMerge;
import io.syncline.engine.internal.LastWriterWins;
import io.syncline.spi.ConflictResolver;

/** The conflict resolvers that come with the engine. */
public final class Resolvers {
  private Resolvers() {}

  /**
   * Keeps the state with the higher version (hybrid-logical-clock stamp, then replica id): every
   * replica picks the same winner without coordination. The default.
   */
  public static ConflictResolver lastWriterWins() {
    return LastWriterWins.INSTANCE;
  }

  /**
   * Merges JSON objects field by field: each top-level field keeps the value of the write that
   * changed it last, so two replicas editing different fields of one record both keep their edits.
   * A delete, or a payload that is not a JSON object, falls back to last-writer-wins.
   */
  public static ConflictResolver fieldMerge() {
    return new FieldMerge(new ObjectMapper());
  }
}
