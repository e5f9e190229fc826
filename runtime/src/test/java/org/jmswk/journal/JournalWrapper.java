package org.jmswk.journal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jmswk.executor.ExecutorEvent;
import org.jmswk.executor.ExecutorListener;

/** For test masters: a listener that hands everything to a journal; subclasses watch what goes by. */
public class JournalWrapper implements ExecutorListener {
  protected final Journal journal;

  public JournalWrapper(Journal journal) {
    this.journal = journal;
  }

  @Override
  public boolean wantsOutcomes() {
    return true;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public CompletableFuture<Void> beforeDeliveryAsync(List<Outcome> outcomes) {
    return journal.beforeDeliveryAsync(outcomes);
  }

  @Override
  public Outcome recall(String key, byte[] input) {
    return journal.recall(key, input);
  }

  @Override
  public void submitted(long elementId, String key, byte[] input) {
    journal.submitted(elementId, key, input);
  }

  @Override
  public void event(ExecutorEvent e) {
    journal.event(e);
  }
}
