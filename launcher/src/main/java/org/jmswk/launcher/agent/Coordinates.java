package org.jmswk.launcher.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Node coordinates {@code (x[,y[,z]])} in a job's node shape, and their row-major rank. */
record Coordinates(List<Integer> values) {
  private static final Pattern SYNTAX = Pattern.compile("\\(\\s*(\\d{1,9})\\s*(?:,\\s*(\\d{1,9})\\s*)?(?:,\\s*(\\d{1,9})\\s*)?\\)");

  /** A user's mistake in coordinates or shape. */
  static final class SpecException extends Exception {
    SpecException(String message) {
      super(message);
    }
  }

  static Coordinates parse(String text) throws SpecException {
    Matcher m = SYNTAX.matcher(text.strip());
    if (!m.matches()) {
      throw new SpecException("invalid coordinates \"" + text.strip() + "\": expected (x), (x,y) or (x,y,z) with whole numbers >= 0");
    }
    List<Integer> v = new ArrayList<>();
    for (int g = 1; g <= 3; g++) if (m.group(g) != null) v.add(Integer.parseInt(m.group(g)));
    return new Coordinates(List.copyOf(v));
  }

  /** A shape such as {@code 12x8} or {@code 4}. */
  static List<Integer> parseShape(String text) throws SpecException {
    List<Integer> shape = new ArrayList<>();
    for (String part : text.strip().split("x", -1)) {
      try {
        int n = Integer.parseInt(part.strip());
        if (n < 1) throw new NumberFormatException();
        shape.add(n);
      } catch (NumberFormatException e) {
        throw new SpecException("invalid node shape \"" + text + "\": expected N, NxM or NxMxK with whole numbers >= 1");
      }
    }
    if (shape.size() > 3) throw new SpecException("invalid node shape \"" + text + "\": at most 3 dimensions");
    return List.copyOf(shape);
  }

  /** The row-major rank of these coordinates in {@code shape} (the last coordinate varies fastest). */
  int rank(List<Integer> shape) throws SpecException {
    if (values.size() != shape.size()) {
      throw new SpecException("coordinates " + this + " have " + values.size() + " dimension(s); the job's node shape "
          + shapeText(shape) + " has " + shape.size());
    }
    long rank = 0;
    for (int i = 0; i < shape.size(); i++) {
      if (values.get(i) >= shape.get(i)) {
        throw new SpecException("coordinates " + this + " are outside the job's node shape " + shapeText(shape)
            + " (each coordinate runs from 0 to its size - 1)");
      }
      rank = rank * shape.get(i) + values.get(i);
    }
    return (int) rank;
  }

  static String shapeText(List<Integer> shape) {
    return String.join("x", shape.stream().map(String::valueOf).toList());
  }

  @Override
  public String toString() {
    return "(" + String.join(",", values.stream().map(String::valueOf).toList()) + ")";
  }
}
