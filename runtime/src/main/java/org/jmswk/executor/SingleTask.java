package org.jmswk.executor;

import java.util.concurrent.CompletableFuture;

/** A task from {@code submit}: one input, one future. */
final class SingleTask<R> extends Task {
  private final byte[] input;
  private final Codec<R> out;
  final CompletableFuture<R> future;

  SingleTask(long id, byte[] input, Codec<R> out, CompletableFuture<R> future) {
    super(id);
    this.input = input;
    this.out = out;
    this.future = future;
  }

  @Override
  int size() {
    return 1;
  }

  @Override
  byte[] input(int element) {
    return input;
  }

  @Override
  long bytes() {
    return input.length;
  }

  @Override
  boolean abandoned() {
    return future.isDone();
  }

  @Override
  void deliver(int element, byte[] output) {
    R value;
    try {
      value = out.decode(output);
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
      return;
    }
    future.complete(value);
  }

  @Override
  void fail(int element, RuntimeException error) {
    future.completeExceptionally(error);
  }
}
