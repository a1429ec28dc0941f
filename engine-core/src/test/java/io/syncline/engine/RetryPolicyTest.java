package io.syncline.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      RetryPolicy.builder()
          .initialDelay(Duration.ofSeconds(1))
          .maxDelay(Duration.ofSeconds(60))
          .build();

  @Test
  void delaysStayWithinTheExponentialCeilingAndTheCap() {
    Random rnd = new Random(7);
    for (int attempt = 1; attempt <= 12; attempt++) {
      long ceiling = Math.min(60_000L, 1000L << (attempt - 1));
      assertThat(policy.ceiling(attempt).toMillis()).isEqualTo(ceiling);
      long max = 0;
      for (int i = 0; i < 2000; i++) {
        long d = policy.delay(attempt, null, rnd).toMillis();
        assertThat(d).isBetween(0L, ceiling);
        max = Math.max(max, d);
      }
      // Full jitter uses the whole range, not just its top.
      assertThat(max).isGreaterThan(ceiling * 9 / 10);
    }
  }

  @Test
  void fullJitterSpreadsManyClientsOverTheWindow() {
    // 1,000 clients failing at once on their 6th attempt (window 32 s): no second holds > 5%.
    Random rnd = new Random(3);
    TreeMap<Long, Integer> perSecond = new TreeMap<>();
    for (int client = 0; client < 1000; client++) {
      long d = policy.delay(6, null, rnd).toMillis();
      perSecond.merge(d / 1000, 1, Integer::sum);
    }
    assertThat(perSecond.values()).allMatch(n -> n <= 50);
    assertThat(perSecond.size()).isGreaterThanOrEqualTo(30);
  }

  @Test
  void retryAfterIsHonouredNeverEarlier() {
    Random rnd = new Random(1);
    for (int i = 0; i < 1000; i++) {
      Duration d = policy.delay(1, Duration.ofSeconds(120), rnd);
      assertThat(d).isBetween(Duration.ofSeconds(120), Duration.ofSeconds(121));
    }
    // A retry-after above the cap is still honoured: the peer knows best.
    assertThat(policy.delay(1, Duration.ofMinutes(10), rnd))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void builderRefusesNonsense() {
    assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ZERO).build())
        .hasMessageContaining("initialDelay");
    assertThatThrownBy(
            () ->
                RetryPolicy.builder()
                    .initialDelay(Duration.ofSeconds(10))
                    .maxDelay(Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5).build())
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> RetryPolicy.builder().multiplier(Double.NaN).build())
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build())
        .hasMessageContaining("maxAttempts");
    assertThat(policy.newBuilder().build().toString()).isEqualTo(policy.toString());
  }
}
