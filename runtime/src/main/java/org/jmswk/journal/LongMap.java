package org.jmswk.journal;

import java.util.Arrays;

/**
 * A map from long to long in two arrays (open addressing), for the journal's index of results
 * (task id to row): about 32 bytes per entry instead of a boxed map's ~80, so a million results
 * stay small. Not thread-safe. Key 0 is kept apart; values are >= 0 and -1 means none.
 */
final class LongMap {
  private static final long EMPTY = 0;
  private long[] keys = new long[1024];
  private long[] values = new long[1024];
  private int size;
  private long zeroValue = -1;

  long get(long k) {
    if (k == EMPTY) return zeroValue;
    int mask = keys.length - 1;
    for (int i = mix(k) & mask; ; i = (i + 1) & mask) {
      if (keys[i] == k) return values[i];
      if (keys[i] == EMPTY) return -1;
    }
  }

  boolean contains(long k) {
    return get(k) >= 0;
  }

  void put(long k, long v) {
    if (k == EMPTY) {
      zeroValue = v;
      return;
    }
    if ((size + 1) * 2 > keys.length) grow();
    if (insert(keys, values, k, v)) size++;
  }

  private static boolean insert(long[] ks, long[] vs, long k, long v) {
    int mask = ks.length - 1;
    for (int i = mix(k) & mask; ; i = (i + 1) & mask) {
      if (ks[i] == k) {
        vs[i] = v;
        return false;
      }
      if (ks[i] == EMPTY) {
        ks[i] = k;
        vs[i] = v;
        return true;
      }
    }
  }

  private void grow() {
    long[] ks = new long[keys.length * 2];
    long[] vs = new long[keys.length * 2];
    Arrays.fill(vs, -1);
    for (int i = 0; i < keys.length; i++) if (keys[i] != EMPTY) insert(ks, vs, keys[i], values[i]);
    keys = ks;
    values = vs;
  }

  private static int mix(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
