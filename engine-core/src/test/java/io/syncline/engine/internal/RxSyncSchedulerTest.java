package io.syncline.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.spi.BackgroundWork;
import io.syncline.spi.Constraints;
import io.syncline.spi.WorkRequest;
import io.syncline.spi.WorkResult;
import io.syncline.testkit.FakeClock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** New work of a name waits for the run in progress instead of interrupting it. */
class RxSyncSchedulerTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final Scheduler scheduler = Schedulers.from(pool);
  private final RxSyncScheduler rx = new RxSyncScheduler(scheduler, new FakeClock());

  @AfterEach
  void close() {
    pool.shutdownNow();
  }

  /** Work whose first run blocks until released, counting runs and overlaps. */
  private static final class Work implements BackgroundWork {
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch releaseFirst = new CountDownLatch(1);
    final CountDownLatch secondDone = new CountDownLatch(1);
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger inside = new AtomicInteger();
    volatile boolean overlapped;
    volatile boolean interrupted;

    @Override
    public WorkResult run(long deadlineMillis) {
      if (inside.incrementAndGet() > 1) {
        overlapped = true;
      }
      try {
        int n = runs.incrementAndGet();
        if (n == 1) {
          firstStarted.countDown();
          try {
            if (!releaseFirst.await(10, TimeUnit.SECONDS)) {
              throw new IllegalStateException("never released");
            }
          } catch (InterruptedException e) {
            interrupted = true;
            Thread.currentThread().interrupt();
          }
        } else {
          secondDone.countDown();
        }
        return WorkResult.SUCCESS;
      } finally {
        inside.decrementAndGet();
      }
    }
  }

  private static WorkRequest now(String name) {
    return WorkRequest.oneOff(name, Duration.ZERO, Constraints.CONNECTED, Duration.ofMinutes(1));
  }

  @Test
  void workScheduledDuringARunStartsAfterItWithoutInterruptingIt() throws Exception {
    Work work = new Work();
    rx.schedule(now("sync"), work);
    assertThat(work.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();

    // A local change asks for a sync while one runs, twice: one more run, after this one.
    rx.schedule(now("sync"), work);
    rx.schedule(now("sync"), work);
    assertThat(rx.isScheduled("sync")).isTrue();
    work.releaseFirst.countDown();

    assertThat(work.secondDone.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(work.interrupted).isFalse();
    assertThat(work.overlapped).isFalse();
  }

  @Test
  void cancelledWorkDoesNotRun() throws Exception {
    Work work = new Work();
    rx.schedule(
        WorkRequest.oneOff(
            "later", Duration.ofMillis(200), Constraints.CONNECTED, Duration.ofMinutes(1)),
        work);
    rx.cancel("later");
    assertThat(rx.isScheduled("later")).isFalse();
    // Something else scheduled after it runs; the cancelled work stays unrun.
    Work other = new Work();
    rx.schedule(
        WorkRequest.oneOff(
            "other", Duration.ofMillis(400), Constraints.CONNECTED, Duration.ofMinutes(1)),
        other);
    assertThat(other.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    other.releaseFirst.countDown();
    assertThat(work.runs.get()).isZero();
  }
}
