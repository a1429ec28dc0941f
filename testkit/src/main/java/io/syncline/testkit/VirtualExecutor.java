package io.syncline.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} on virtual time: nothing runs until the test calls {@link
 * #advance} or {@link #runDue}, and then tasks run on the test's thread, in time order (ties in
 * submission order), while a {@link FakeClock} moves with them. For testing code that schedules on
 * an executor, deterministically and without sleeps.
 *
 * <p>Not thread-safe: drive it from one test thread.
 */
public final class VirtualExecutor extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final FakeClock clock;
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private long sequence;
  private boolean shutdown;

  /** An executor whose time is {@code clock}'s. */
  public VirtualExecutor(FakeClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** Runs every task due now, including tasks those tasks schedule for now. */
  public void runDue() {
    while (!queue.isEmpty() && queue.peek().at <= clock.millis()) {
      queue.poll().run();
    }
  }

  /** Moves time forward by {@code d}, running each task when its time comes. */
  public void advance(Duration d) {
    long end = clock.millis() + d.toMillis();
    while (!queue.isEmpty() && queue.peek().at <= end) {
      Task<?> t = queue.poll();
      if (t.at > clock.millis()) {
        clock.set(t.at);
      }
      t.run();
    }
    clock.set(end);
  }

  /** How many tasks wait. */
  public int pending() {
    return queue.size();
  }

  private <T> Task<T> add(Callable<T> callable, long delayMillis, long periodMillis) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("executor is shut down");
    }
    Task<T> t = new Task<>(callable, clock.millis() + Math.max(0, delayMillis), periodMillis);
    queue.add(t);
    return t;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(Executors.callable(command), unit.toMillis(delay), 0);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(callable, unit.toMillis(delay), 0);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return add(Executors.callable(command), unit.toMillis(initialDelay), unit.toMillis(period));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return scheduleAtFixedRate(command, initialDelay, delay, unit);
  }

  @Override
  public void execute(Runnable command) {
    add(Executors.callable(command), 0, 0);
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> out = new ArrayList<>(queue);
    queue.clear();
    return Collections.unmodifiableList(out);
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  /** {@code java.util.concurrent.Executors.callable}, named apart from this class. */
  private static final class Executors {
    static Callable<Object> callable(Runnable r) {
      Objects.requireNonNull(r, "command == null");
      return () -> {
        r.run();
        return null;
      };
    }
  }

  private final class Task<T> implements ScheduledFuture<T>, Runnable {
    private final Callable<T> callable;
    private final long period;
    private final long seq = sequence++;
    private long at;
    private boolean cancelled;
    private boolean done;
    private T result;
    private Throwable failure;

    Task(Callable<T> callable, long at, long period) {
      this.callable = callable;
      this.at = at;
      this.period = period;
    }

    @Override
    public void run() {
      if (cancelled) {
        return;
      }
      try {
        result = callable.call();
      } catch (Exception e) {
        failure = e;
        done = true;
        return;
      }
      if (period > 0 && !cancelled && !shutdown) {
        at += period;
        queue.add(this);
      } else {
        done = true;
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(at - clock.millis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      Task<?> t = (Task<?>) o;
      int c = Long.compare(at, t.at);
      return c != 0 ? c : Long.compare(seq, t.seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
      cancelled = true;
      queue.remove(this);
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public T get() throws ExecutionException {
      if (failure != null) {
        throw new ExecutionException(failure);
      }
      if (!done) {
        throw new IllegalStateException("virtual task has not run; advance the executor");
      }
      return result;
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws ExecutionException {
      return get();
    }
  }
}
