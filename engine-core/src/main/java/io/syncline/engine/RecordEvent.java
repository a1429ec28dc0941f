package io.syncline.engine;

import io.syncline.spi.RecordId;
import io.syncline.spi.Version;

/**
 * A change of a record that the engine stored, for binding a UI to data.
 *
 * @param id the record
 * @param version its new version
 * @param deleted whether it was deleted
 * @param remote whether the change came from a peer (or a merge) rather than this app's write
 */
public record RecordEvent(RecordId id, Version version, boolean deleted, boolean remote) {}
