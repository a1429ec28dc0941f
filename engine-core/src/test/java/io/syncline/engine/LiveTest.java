package io.syncline.engine;

import static io.syncline.engine.Fixtures.SCOPE;
import static io.syncline.engine.Fixtures.client;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.CallContext;
import io.syncline.spi.Cancellable;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveTest {
  private final FakeClock clock = new FakeClock();

  @Test
  void liveStreamDeliversNewChangesButNotTheSubscribersOwn() {
    SyncEngine server = Fixtures.server(new MemoryStore(), clock);
    server.collection("notes").putJson("before", "{}");
    List<Change> received = new ArrayList<>();
    LiveListener listener =
        new LiveListener() {
          @Override
          public void onPage(FeedPage page) {
            received.addAll(page.changes());
          }

          @Override
          public void onError(Throwable error) {
            throw new AssertionError(error);
          }
        };
    Cancellable sub =
        server.handler().live(CallContext.IN_PROCESS, new LiveRequest("b", SCOPE, 0), listener);
    assertThat(received).extracting(c -> c.id().key()).containsExactly("before");

    SyncEngine a = client("a", new MemoryStore(), clock, server).build();
    a.collection("notes").putJson("from-a", "{}");
    a.syncNow().blockingGet();
    server.collection("notes").putJson("from-server", "{}");
    assertThat(received)
        .extracting(c -> c.id().key())
        .containsExactly("before", "from-a", "from-server");

    // A change pushed by the subscriber itself is not streamed back to it.
    SyncEngine b = client("b", new MemoryStore(), clock, server).build();
    b.collection("notes").putJson("from-b", "{}");
    b.syncNow().blockingGet();
    assertThat(received).hasSize(3);

    sub.cancel();
    server.collection("notes").putJson("after-cancel", "{}");
    assertThat(received).hasSize(3);
  }
}
