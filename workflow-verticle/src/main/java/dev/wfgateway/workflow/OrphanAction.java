package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunStatus;

/**
 * What a survivor does with a run whose node left the cluster, decided by the run's record. The
 * record is saved {@code running} before the first call to a step, so a run still {@code queued}
 * (or never recorded) has done nothing yet and is started again; a {@code running} one may have
 * called a step and is dead-lettered rather than repeated; a finished one is left as it is. A
 * record that cannot be read counts as running: repeating a step is the worse mistake.
 */
enum OrphanAction {
  RESTART("starting it again"), DEAD_LETTER("dead-lettering it"), LEAVE("it had finished");

  /** What the survivor logs it does. */
  final String description;

  OrphanAction(String description) {
    this.description = description;
  }

  /**
   * @param readable whether the run store answered
   * @param status the recorded status, or null when the store has no record of the run
   */
  static OrphanAction of(boolean readable, RunStatus status) {
    if (!readable) {
      return DEAD_LETTER;
    }
    if (status == null || status == RunStatus.QUEUED) {
      return RESTART;
    }
    return status.isFinal() ? LEAVE : DEAD_LETTER;
  }
}
