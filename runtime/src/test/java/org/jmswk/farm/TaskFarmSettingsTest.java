package org.jmswk.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TaskFarmSettingsTest {
  @Test
  void workerStartTimeoutIsWholeSecondsOrTheDefault() {
    assertEquals(0, TaskFarm.registrationTimeoutMs(null));
    assertEquals(0, TaskFarm.registrationTimeoutMs(" "));
    assertEquals(45_000, TaskFarm.registrationTimeoutMs("45"));
  }

  @Test
  void aBadWorkerStartTimeoutNamesTheVariableAndTheValue() {
    for (String bad : new String[] {"1.5", "0", "-3", "ten", "100000"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskFarm.registrationTimeoutMs(bad));
      assertTrue(e.getMessage().contains("JMSWK_WORKER_START_TIMEOUT_S") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
