package org.jmswk.executor;

/**
 * A map's inputs, cut into chunks lazily as workers have room, with a chunk size that adapts to
 * how long its elements take (aiming at {@link #TARGET_CHUNK_NANOS} of work per chunk) and never
 * leaves fewer chunks than workers for what remains. Master state per element: its encoded
 * input and one result slot.
 */
final class MapJob {
  static final long TARGET_CHUNK_NANOS = 5_000_000;
  static final int MAX_CHUNK = 16_384;
  static final int FIRST_CHUNK = 8;

  final long firstId;
  final byte[][] inputs;
  final MapResult<?> result;
  private int next;
  /** Mean worker time per element, from the chunks done so far (0: none yet). */
  private double nanosPerElement;

  MapJob(long firstId, byte[][] inputs, MapResult<?> result) {
    this.firstId = firstId;
    this.inputs = inputs;
    this.result = result;
  }

  boolean exhausted() {
    return next >= inputs.length;
  }

  /** Elements not cut into chunks yet. */
  int remaining() {
    return inputs.length - next;
  }

  /** How many elements the next chunk gets, for {@code workers} workers and at most {@code maxBytes}. */
  int chunkSize(int workers, long maxBytes) {
    int remaining = remaining();
    long want = nanosPerElement <= 0 ? FIRST_CHUNK : (long) Math.ceil(TARGET_CHUNK_NANOS / Math.max(1.0, nanosPerElement));
    want = Math.min(want, MAX_CHUNK);
    want = Math.min(want, Math.max(1, (remaining + workers - 1) / Math.max(1, workers)));
    int n = 0;
    long bytes = 0;
    while (n < want && next + n < inputs.length) {
      long b = inputs[next + n].length + Wire.ELEMENT_HEADER;
      if (n > 0 && bytes + b > maxBytes) break;
      bytes += b;
      n++;
    }
    return Math.max(1, n);
  }

  Chunk cut(int workers, long maxBytes) {
    int n = chunkSize(workers, maxBytes);
    Chunk c = new Chunk(this, next, n);
    next += n;
    return c;
  }

  void observed(int elements, long nanos) {
    double per = nanos / (double) Math.max(1, elements);
    nanosPerElement = nanosPerElement <= 0 ? per : 0.7 * nanosPerElement + 0.3 * per;
  }

  /** A run of consecutive elements sent as one wire task. */
  static final class Chunk extends Task {
    final MapJob job;
    final int from;
    final int count;

    Chunk(MapJob job, int from, int count) {
      super(job.firstId + from);
      this.job = job;
      this.from = from;
      this.count = count;
    }

    @Override
    int size() {
      return count;
    }

    @Override
    byte[] input(int element) {
      return job.inputs[from + element];
    }

    @Override
    long bytes() {
      long b = 0;
      for (int k = 0; k < count; k++) b += job.inputs[from + k].length + Wire.ELEMENT_HEADER;
      return b;
    }

    @Override
    boolean abandoned() {
      return false;
    }

    @Override
    void deliver(int element, byte[] output) {
      job.inputs[from + element] = null; // done: its input is no longer needed
      job.result.deliver(from + element, output);
    }

    @Override
    void deliverAll(byte[][] outputs, RuntimeException[] failures) {
      for (int k = 0; k < count; k++) job.inputs[from + k] = null;
      job.result.deliverRange(from, outputs, failures);
    }

    @Override
    void fail(int element, RuntimeException error) {
      job.inputs[from + element] = null;
      job.result.fail(from + element, error);
    }
  }
}
