package io.syncline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArgsTest {

  @Test
  void readsGivenValuesWhateverTheirCaseAndListsEveryValueUsed() {
    Args a = Args.parse("records=1_000", "perchannel=7", "sqliteSync=NORMAL");

    assertThat(a.integer("records", 5)).isEqualTo(1000);
    assertThat(a.integer("perChannel", 50)).isEqualTo(7);
    assertThat(a.text("sqliteSync", "FULL")).isEqualTo("NORMAL");
    assertThat(a.integer("runs", 3)).isEqualTo(3);
    a.checkAllUsed();
    assertThat(a.toString()).isEqualTo("perChannel=7 records=1_000 runs=3 sqliteSync=NORMAL");
  }

  @Test
  void refusesAnArgumentNoHarnessAskedFor() {
    Args a = Args.parse("recrods=10");
    a.integer("records", 5);

    assertThatThrownBy(a::checkAllUsed).hasMessageContaining("unknown argument recrods");
  }
}
