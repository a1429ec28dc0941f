package io.syncline.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueValidationTest {
  private final Version v = Version.of(1, 0, "r");

  @Test
  void identifiersNameTheBadParameter() {
    assertThatThrownBy(() -> RecordId.of("", "k")).hasMessageContaining("collection");
    assertThatThrownBy(() -> RecordId.of("has space", "k")).hasMessageContaining("collection");
    assertThatThrownBy(() -> RecordId.of("c", "")).hasMessageContaining("key");
    assertThatThrownBy(() -> RecordId.of("c", "a\nb")).hasMessageContaining("control");
    assertThatThrownBy(() -> RecordId.of("c", "k".repeat(257))).hasMessageContaining("key");
    assertThatThrownBy(() -> RecordId.of(null, "k")).hasMessage("collection == null");
    assertThatThrownBy(() -> new Version(-1, "r")).hasMessageContaining("stamp");
    assertThatThrownBy(() -> Version.of(1, Version.MAX_LOGICAL + 1, "r"))
        .hasMessageContaining("logical");
    assertThatThrownBy(() -> SyncRecord.checkScope("a/b")).hasMessageContaining("scope");
    assertThat(RecordId.of("c", "k \u00e9 \u4e2d").toString()).isEqualTo("c/k \u00e9 \u4e2d");
  }

  @Test
  void aCheckSkippedForAnEqualNameStillRefusesTheNextBadOne() {
    String valid = new String("notes-1".toCharArray());
    assertThat(RecordId.of(valid, "k").collection()).isSameAs(valid);
    // An equal string of its own passes as the held one did; it is not taken for a bad one.
    String twin = new String("notes-1".toCharArray());
    assertThat(RecordId.of(twin, "k").collection()).isSameAs(twin);
    // Strings of the same length that differ are checked in full.
    assertThatThrownBy(() -> RecordId.of("notes 1", "k")).hasMessageContaining("collection");
    assertThatThrownBy(() -> RecordId.of("notes-1 ", "k")).hasMessageContaining("collection");
    assertThat(RecordId.of(new String("notes-1".toCharArray()), "k2").key()).isEqualTo("k2");
  }

  @Test
  void tombstonesHaveNoPayload() {
    assertThatThrownBy(
            () ->
                new SyncRecord(
                    RecordId.of("c", "k"), "s", v, true, Payload.utf8("{}"), Payload.EMPTY))
        .hasMessageContaining("tombstone");
  }

  @Test
  void feedPagesAreOrderedAndBounded() {
    SyncRecord r = SyncRecord.live(RecordId.of("c", "k"), "s", v, Payload.utf8("{}"));
    SyncRecord r2 = SyncRecord.live(RecordId.of("c", "k2"), "s", v, Payload.utf8("{}"));
    assertThatThrownBy(() -> new FeedPage(List.of(new Change(r, 5), new Change(r2, 5)), 5, false))
        .hasMessageContaining("increasing");
    assertThatThrownBy(() -> new FeedPage(List.of(new Change(r, 9)), 5, false))
        .hasMessageContaining("above nextCursor");
    assertThatThrownBy(() -> new Change(r, 0)).hasMessageContaining("seq");
  }

  @Test
  void aPageFindsARepeatedRecordAmongIdsWhoseHashesCollide() {
    // "Aa" and "BB" have the same String hash, so every key below collides with its twin.
    List<Change> distinct = new java.util.ArrayList<>();
    for (int i = 0; i < 600; i++) {
      String key = (i % 2 == 0 ? "Aa" : "BB") + (i / 2);
      distinct.add(
          new Change(SyncRecord.live(RecordId.of("c", key), "s", v, Payload.utf8("1")), i + 1));
    }
    assertThat(RecordId.of("c", "Aa7").hashCode()).isEqualTo(RecordId.of("c", "BB7").hashCode());
    assertThat(new FeedPage(distinct, 600, false).changes()).hasSize(600);
    assertThat(Change.firstRepeatedId(distinct)).isNull();

    List<Change> repeated = new java.util.ArrayList<>(distinct);
    repeated.add(
        new Change(SyncRecord.live(RecordId.of("c", "BB123"), "s", v, Payload.utf8("2")), 601));
    assertThat(Change.firstRepeatedId(repeated)).isEqualTo(RecordId.of("c", "BB123"));
    assertThatThrownBy(() -> new FeedPage(repeated, 601, false))
        .hasMessageContaining("c/BB123")
        .hasMessageContaining("twice");
  }

  @Test
  void anIdentifierValidOnceIsStillCheckedAgainstEachLimit() {
    String name = "p".repeat(70);
    assertThat(SyncRecord.checkScope(name)).isSameAs(name); // valid as a scope (up to 128)
    assertThatThrownBy(() -> new Version(1, name)).hasMessageContaining("replicaId"); // not 64
    String bad = "no spaces";
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> SyncRecord.checkScope(bad)).hasMessageContaining("scope");
    }
  }

  @Test
  void checkpointsMoveForwardUnlessTheEpochChanges() {
    Checkpoint cp = new Checkpoint("p", "s", 5, 5, "e1");
    assertThat(cp.canAdvanceTo(cp.withPullCursor(6))).isTrue();
    assertThat(cp.canAdvanceTo(cp.withPushCursor(4))).isFalse();
    assertThat(cp.canAdvanceTo(new Checkpoint("p", "s", 0, 0, "e2"))).isTrue();
  }

  @Test
  void outcomesAndRequestsValidate() {
    assertThatThrownBy(() -> new Outcome.Rejected(List.of())).hasMessageContaining("empty");
    assertThatThrownBy(() -> new Outcome.Retry(Duration.ofSeconds(-1), "x"))
        .hasMessageContaining("retryAfter");
    assertThatThrownBy(() -> new PullResponse(Outcome.SUCCESS, null)).hasMessageContaining("page");
    assertThatThrownBy(() -> new PullRequest("r", "s", -1, 1, 1)).hasMessageContaining("afterSeq");
    assertThatThrownBy(() -> new PullRequest("r", "s", 0, 0, 1)).hasMessageContaining("maxChanges");
    assertThatThrownBy(
            () ->
                WorkRequest.periodic(
                    "w",
                    Duration.ZERO,
                    Duration.ZERO,
                    Constraints.CONNECTED,
                    Duration.ofMinutes(1)))
        .hasMessageContaining("interval");
  }

  @Test
  void constraintsNameTheFirstUnmetCondition() {
    Constraints strict = new Constraints(Constraints.Network.UNMETERED, true, true, true);
    HostConditions good =
        new HostConditions(
            HostConditions.Network.UNMETERED,
            HostConditions.Level.YES,
            HostConditions.Level.NO,
            HostConditions.Level.YES);
    assertThat(strict.firstUnmet(good)).isNull();
    assertThat(strict.firstUnmet(good.withNetwork(HostConditions.Network.NONE)))
        .isEqualTo("NETWORK");
    assertThat(strict.firstUnmet(good.withNetwork(HostConditions.Network.METERED)))
        .isEqualTo("UNMETERED");
    assertThat(Constraints.CONNECTED.firstUnmet(good.withNetwork(HostConditions.Network.METERED)))
        .isNull();
    assertThat(
            strict.firstUnmet(
                new HostConditions(
                    HostConditions.Network.UNMETERED,
                    HostConditions.Level.NO,
                    HostConditions.Level.NO,
                    HostConditions.Level.YES)))
        .isEqualTo("CHARGING");
    assertThat(
            strict.firstUnmet(
                new HostConditions(
                    HostConditions.Network.UNMETERED,
                    HostConditions.Level.YES,
                    HostConditions.Level.YES,
                    HostConditions.Level.YES)))
        .isEqualTo("BATTERY_NOT_LOW");
    assertThat(
            strict.firstUnmet(
                new HostConditions(
                    HostConditions.Network.UNMETERED,
                    HostConditions.Level.YES,
                    HostConditions.Level.NO,
                    HostConditions.Level.NO)))
        .isEqualTo("DEVICE_IDLE");
    // What a host cannot observe never blocks.
    assertThat(strict.firstUnmet(HostConditions.UNKNOWN)).isNull();
  }

  @Test
  void payloadsAreImmutableCopies() {
    byte[] bytes = "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Payload p = Payload.copyOf(bytes);
    bytes[0] = 'x';
    assertThat(p.toUtf8()).isEqualTo("{\"a\":1}");
    p.toByteArray()[0] = 'y';
    assertThat(p.toUtf8()).isEqualTo("{\"a\":1}");
    assertThat(p).isEqualTo(Payload.utf8("{\"a\":1}")).hasSameHashCodeAs(Payload.utf8("{\"a\":1}"));
    assertThat(Payload.utf8("x".repeat(100)).toString()).contains("100 bytes");
  }

  @Test
  void writeSetsRefuseAssignedQuarantineIds() {
    SyncRecord r = SyncRecord.live(RecordId.of("c", "k"), "s", v, Payload.utf8("{}"));
    assertThatThrownBy(
            () -> WriteSet.builder().quarantine(new QuarantinedChange(3, "p", r, "c", "x", 0)))
        .hasMessageContaining("id 0");
    assertThat(WriteSet.builder().build().isEmpty()).isTrue();
  }
}
