package io.syncline.host.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.Test;

/** Job ids: stable per name, distinct per name, never another job's. Plain JUnit 4. */
public class JobIdsTest {
  private final Map<Integer, String> pending = new HashMap<>();

  @Test
  public void aNameGetsTheSameIdInEveryProcess() {
    int first = new JobIds(1000, 1999).idFor("syncline.phone.periodic", pending::get);
    int again = new JobIds(1000, 1999).idFor("syncline.phone.periodic", pending::get);
    assertThat(first).isEqualTo(again).isBetween(1000, 1999);
    // FNV-1a is specified, not an accident of this JVM.
    assertThat(JobIds.hash("")).isEqualTo(0x811c9dc5);
    assertThat(JobIds.hash("a")).isEqualTo(0xe40c292c);
  }

  @Test
  public void collidingNamesTakeTheNextFreeId() {
    JobIds ids = new JobIds(0, 1); // two ids: the second name must collide or not, both fit
    int a = ids.idFor("a", pending::get);
    int b = ids.idFor("b", pending::get);
    assertThat(a).isNotEqualTo(b);
    assertThat(ids.idFor("a", pending::get)).isEqualTo(a);
    assertThatThrownBy(() -> ids.idFor("c", pending::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("widen jobIdRange");
  }

  @Test
  public void anotherJobOfTheAppIsNeverTakenOver() {
    JobIds probe = new JobIds(500, 501);
    int slot = probe.idFor("a", id -> null);
    pending.put(slot, ""); // the app's own job sits where "a" hashes
    int a = new JobIds(500, 501).idFor("a", pending::get);
    assertThat(a).isNotEqualTo(slot);
  }

  @Test
  public void anIdOnceGivenIsKeptAcrossProcesses() {
    JobIds before = new JobIds(0, 9);
    int a = before.idFor("a", pending::get);
    // Say "a" had to move to another slot in an earlier process; its pending job says where.
    int moved = (a + 1) % 10;
    JobIds after = new JobIds(0, 9);
    after.remember("a", moved);
    assertThat(after.idFor("a", pending::get)).isEqualTo(moved);
    assertThat(after.known("b")).isEqualTo(-1);
  }

  @Test
  public void aPendingJobOfOursFoundWhileProbingIsLearned() {
    JobIds ids = new JobIds(0, 0);
    pending.put(0, "a");
    assertThat(ids.idFor("a", pending::get)).isZero();
  }

  @Test
  public void anEmptyRangeIsRefused() {
    assertThatThrownBy(() -> new JobIds(5, 4)).hasMessageContaining("empty");
  }
}
