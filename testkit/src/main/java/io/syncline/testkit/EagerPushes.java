package io.syncline.testkit;

import io.syncline.spi.Outcome;
import io.syncline.spi.PushRequest;
import io.syncline.spi.SyncConnection;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * The pushes a test connection has sent and not yet awaited ({@link SyncConnection#sendPush}), each
 * delivered to the peer the moment it is sent, so the batches behind one that fails have reached
 * the peer all the same: the harshest case the connection contract allows. Answers come back in
 * order from {@link #await}; anything but success voids the ones behind it.
 *
 * <p>Thread-compatible, like the connection that holds it.
 */
public final class EagerPushes {
  /** Delivers one push to the peer and returns its outcome. */
  public interface Delivery {
    Outcome deliver(PushRequest request) throws IOException;
  }

  private final int window;
  // An Outcome, or the IOException its delivery threw.
  private final ArrayDeque<Object> answers = new ArrayDeque<>();

  /** Room for {@code window} pushes outstanding. */
  public EagerPushes(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window < 1: " + window);
    }
    this.window = window;
  }

  /** How many sends wait to be awaited. */
  public int outstanding() {
    return answers.size();
  }

  /**
   * Delivers {@code request} now and keeps its answer for {@link #await}.
   *
   * @throws IllegalStateException if {@code window} sends are outstanding already
   */
  public void send(PushRequest request, Delivery delivery) {
    if (answers.size() == window) {
      throw new IllegalStateException("more than " + window + " pushes outstanding");
    }
    Object answer;
    try {
      answer = delivery.deliver(request);
    } catch (IOException e) {
      answer = e;
    }
    answers.add(answer);
  }

  /**
   * The answer to the oldest send: its outcome, or the IOException its delivery threw.
   *
   * @throws IllegalStateException if no send is outstanding
   */
  public Outcome await() throws IOException {
    Object answer = answers.poll();
    if (answer == null) {
      throw new IllegalStateException("no push outstanding");
    }
    if (!(answer instanceof Outcome.Success)) {
      answers.clear(); // the sends behind a failed one are void
    }
    if (answer instanceof IOException e) {
      throw e;
    }
    return (Outcome) answer;
  }
}
