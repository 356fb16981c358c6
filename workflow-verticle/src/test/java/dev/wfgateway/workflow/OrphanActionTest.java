package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.messages.RunStatus;
import org.junit.jupiter.api.Test;

class OrphanActionTest {

  @Test
  void startsAgainOnlyWhatCannotHaveCalledAStep() {
    assertThat(OrphanAction.of(true, null)).isEqualTo(OrphanAction.RESTART);
    assertThat(OrphanAction.of(true, RunStatus.QUEUED)).isEqualTo(OrphanAction.RESTART);
    assertThat(OrphanAction.of(true, RunStatus.RUNNING)).isEqualTo(OrphanAction.DEAD_LETTER);
  }

  @Test
  void leavesFinishedRunsAlone() {
    assertThat(OrphanAction.of(true, RunStatus.SUCCEEDED)).isEqualTo(OrphanAction.LEAVE);
    assertThat(OrphanAction.of(true, RunStatus.FAILED)).isEqualTo(OrphanAction.LEAVE);
    assertThat(OrphanAction.of(true, RunStatus.DEAD_LETTERED)).isEqualTo(OrphanAction.LEAVE);
  }

  @Test
  void deadLettersARunWhoseRecordCannotBeRead() {
    assertThat(OrphanAction.of(false, null)).isEqualTo(OrphanAction.DEAD_LETTER);
  }
}
