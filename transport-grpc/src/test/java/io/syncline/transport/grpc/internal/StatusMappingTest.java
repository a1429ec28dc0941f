package io.syncline.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.syncline.spi.Outcome;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncException;
import io.syncline.spi.Version;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status table of docs/grpc-protocol.md, both ways, and round trips through it. */
class StatusMappingTest {
  private static final Duration BUSY = Duration.ofSeconds(1);

  private static Outcome roundTrip(Outcome o) {
    StatusMapping.Closing c = StatusMapping.toStatus(o, BUSY);
    return StatusMapping.outcome(c.status(), c.trailers());
  }

  @Test
  void everyOutcomeSurvivesTheTripThroughAStatus() {
    Outcome.Rejection denied =
        new Outcome.Rejection(
            RecordId.of("notes", "k"), Version.of(5, 1, "r1"), "PERMISSION_DENIED", "not yours");
    Outcome.Rejection invalid =
        new Outcome.Rejection(
            RecordId.of("notes", "j"), Version.of(5, 2, "r1"), "INVALID_ARGUMENT", "bad json");
    assertThat(roundTrip(new Outcome.Rejected(List.of(denied))))
        .isEqualTo(new Outcome.Rejected(List.of(denied)));
    assertThat(roundTrip(new Outcome.Rejected(List.of(denied, invalid))))
        .isEqualTo(new Outcome.Rejected(List.of(denied, invalid)));
    assertThat(
            StatusMapping.toStatus(new Outcome.Rejected(List.of(denied)), BUSY).status().getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            StatusMapping.toStatus(new Outcome.Rejected(List.of(denied, invalid)), BUSY)
                .status()
                .getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);

    Outcome tooLarge = roundTrip(new Outcome.TooLarge(500, "batch too big"));
    assertThat(tooLarge).isInstanceOf(Outcome.TooLarge.class);
    assertThat(((Outcome.TooLarge) tooLarge).maxChanges()).isEqualTo(500);

    Outcome retry = roundTrip(new Outcome.Retry(Duration.ofMillis(2500), "busy"));
    assertThat(((Outcome.Retry) retry).retryAfter()).isEqualTo(Duration.ofMillis(2500));

    Outcome failed = roundTrip(new Outcome.Failed(SyncException.Code.UNAUTHENTICATED, "who?"));
    assertThat(((Outcome.Failed) failed).code()).isEqualTo(SyncException.Code.UNAUTHENTICATED);
    Outcome protocol = roundTrip(new Outcome.Failed(SyncException.Code.PROTOCOL, "v9"));
    assertThat(((Outcome.Failed) protocol).code()).isEqualTo(SyncException.Code.PROTOCOL);
  }

  @Test
  void syncExceptionCodesMapToTheDocumentedStatuses() {
    Object[][] table = {
      {SyncException.Code.INVALID_ARGUMENT, Status.Code.INVALID_ARGUMENT, false},
      {SyncException.Code.TOO_LARGE, Status.Code.RESOURCE_EXHAUSTED, false},
      {SyncException.Code.UNAUTHENTICATED, Status.Code.UNAUTHENTICATED, false},
      {SyncException.Code.PERMISSION_DENIED, Status.Code.PERMISSION_DENIED, false},
      {SyncException.Code.PROTOCOL, Status.Code.FAILED_PRECONDITION, false},
      {SyncException.Code.RESOURCE_EXHAUSTED, Status.Code.RESOURCE_EXHAUSTED, true},
      {SyncException.Code.TIMEOUT, Status.Code.DEADLINE_EXCEEDED, true},
      {SyncException.Code.UNAVAILABLE, Status.Code.UNAVAILABLE, true},
      {SyncException.Code.STORE_FAILURE, Status.Code.UNAVAILABLE, true},
      {SyncException.Code.CLOSED, Status.Code.UNAVAILABLE, true},
      {SyncException.Code.INTERNAL, Status.Code.INTERNAL, true},
      {SyncException.Code.SCHEMA_TOO_NEW, Status.Code.INTERNAL, true},
    };
    assertThat(table.length).isEqualTo(SyncException.Code.values().length);
    for (Object[] row : table) {
      SyncException.Code code = (SyncException.Code) row[0];
      StatusMapping.Closing c = StatusMapping.toStatus(new SyncException(code, "x"), BUSY);
      assertThat(c.status().getCode()).as("%s", code).isEqualTo(row[1]);
      // what the client makes of it: a closed or failing server is worth another try later
      SyncException back = StatusMapping.exception(c.status(), c.trailers());
      assertThat(back.retryable()).as("%s", code).isEqualTo(row[2]);
    }
    // over its rate, a peer is told when to come back
    StatusMapping.Closing busy =
        StatusMapping.toStatus(new SyncException(SyncException.Code.RESOURCE_EXHAUSTED, "x"), BUSY);
    assertThat(StatusMapping.exception(busy.status(), busy.trailers()).retryAfter())
        .isEqualTo(BUSY);
    // internals are not leaked
    assertThat(
            StatusMapping.toStatus(new SyncException(SyncException.Code.INTERNAL, "secret"), BUSY)
                .status()
                .getDescription())
        .doesNotContain("secret");
  }

  @Test
  void theClientClassifiesEveryStatusIntoAnOutcomeClass() {
    Metadata none = new Metadata();
    for (Status.Code code :
        List.of(
            Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED,
            Status.Code.ABORTED,
            Status.Code.CANCELLED,
            Status.Code.INTERNAL,
            Status.Code.UNKNOWN)) {
      assertThat(StatusMapping.outcome(Status.fromCode(code), none))
          .as("%s", code)
          .isInstanceOf(Outcome.Retry.class);
    }
    Metadata after = new Metadata();
    after.put(StatusMapping.RETRY_AFTER_MS, "3000");
    assertThat(StatusMapping.outcome(Status.RESOURCE_EXHAUSTED, after))
        .isEqualTo(new Outcome.Retry(Duration.ofSeconds(3), "gRPC RESOURCE_EXHAUSTED"));
    assertThat(StatusMapping.outcome(Status.RESOURCE_EXHAUSTED, none))
        .isInstanceOf(Outcome.TooLarge.class);
    assertThat(StatusMapping.outcome(Status.PERMISSION_DENIED, none))
        .isEqualTo(
            new Outcome.Failed(SyncException.Code.PERMISSION_DENIED, "gRPC PERMISSION_DENIED"));
    assertThat(StatusMapping.outcome(Status.UNAUTHENTICATED, none))
        .isEqualTo(new Outcome.Failed(SyncException.Code.UNAUTHENTICATED, "gRPC UNAUTHENTICATED"));
    assertThat(StatusMapping.outcome(Status.FAILED_PRECONDITION, none))
        .isEqualTo(new Outcome.Failed(SyncException.Code.PROTOCOL, "gRPC FAILED_PRECONDITION"));
    assertThat(StatusMapping.outcome(Status.UNIMPLEMENTED, none))
        .isEqualTo(new Outcome.Failed(SyncException.Code.PROTOCOL, "gRPC UNIMPLEMENTED"));
    // a pull cannot be rejected or too large: those are failures there
    assertThat(StatusMapping.pullOutcome(Status.RESOURCE_EXHAUSTED, none))
        .isInstanceOf(Outcome.Failed.class);
    // a garbled trailer is ignored, not trusted
    Metadata garbled = new Metadata();
    garbled.put(StatusMapping.RETRY_AFTER_MS, "soon");
    assertThat(StatusMapping.outcome(Status.RESOURCE_EXHAUSTED, garbled))
        .isInstanceOf(Outcome.TooLarge.class);
  }
}
