package io.syncline.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.Outcome;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncException;
import io.syncline.spi.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusMappingTest {
  private static final Outcome.Rejection REJECTION =
      new Outcome.Rejection(
          RecordId.of("notes", "a"), new Version(1, "p"), "PERMISSION_DENIED", "no");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "200, Success",
    "204, Success",
    "408, Retry",
    "429, Retry",
    "500, Retry",
    "502, Retry",
    "503, Retry",
    "504, Retry",
    "413, TooLarge",
    "400, Rejected",
    "409, Rejected",
    "422, Rejected",
    "401, Failed",
    "403, Failed",
    "426, Failed",
    "404, Failed",
    "301, Failed"
  })
  void everyStatusMapsToItsOutcome(int status, String kind) {
    WireCodec.ErrorBody body = new WireCodec.ErrorBody("X", "why", List.of(REJECTION), 10);
    Outcome o = StatusMapping.outcome(status, body, Duration.ofSeconds(3));
    assertThat(o.getClass().getSimpleName()).isEqualTo(kind);
  }

  @Test
  void rejectionStatusesWithoutPerChangeReasonsFail() {
    WireCodec.ErrorBody body = new WireCodec.ErrorBody("INVALID_ARGUMENT", "bad", List.of(), 0);
    assertThat(StatusMapping.outcome(400, body, null))
        .isEqualTo(
            new Outcome.Failed(
                SyncException.Code.INVALID_ARGUMENT, "HTTP 400 INVALID_ARGUMENT: bad"));
    assertThat(((Outcome.Failed) StatusMapping.outcome(401, null, null)).code())
        .isEqualTo(SyncException.Code.UNAUTHENTICATED);
    assertThat(((Outcome.Failed) StatusMapping.outcome(426, null, null)).code())
        .isEqualTo(SyncException.Code.PROTOCOL);
    assertThat(StatusMapping.exception(429, null, Duration.ofSeconds(4)).retryAfter())
        .isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void retryAfterReadsSecondsAndHttpDatesWhateverTheLocale() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(RetryAfter.parse("120", now)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:01:30 GMT", now))
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(RetryAfter.parse("Wed, 31 Dec 2025 23:00:00 GMT", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("99999999999", now)).isEqualTo(RetryAfter.MAX);
    assertThat(RetryAfter.parse("soon", now)).isNull();
    assertThat(RetryAfter.parse("-5", now)).isNull();
    assertThat(RetryAfter.parse(null, now)).isNull();
  }

  @Test
  void gzipIsAcceptedUnlessRefusedByQuality() {
    assertThat(Gzip.accepted("gzip, deflate, br")).isTrue();
    assertThat(Gzip.accepted("br;q=1.0, gzip;q=0.5")).isTrue();
    assertThat(Gzip.accepted("gzip;q=0")).isFalse();
    assertThat(Gzip.accepted("identity")).isFalse();
    assertThat(Gzip.accepted(null)).isFalse();
  }
}
