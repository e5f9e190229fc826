package org.jmswk.launcher.job;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a directive's text into words the way a shell would quote them, without expanding
 * anything: single and double quotes group, a backslash escapes the next character outside
 * single quotes, and an unquoted {@code #} that starts a word begins a comment.
 */
final class Words {
  private Words() {}

  static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == '\'') {
        if (c == '\'') quote = 0; else word.append(c);
      } else if (quote == '"') {
        if (c == '"') quote = 0;
        else if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) word.append(text.charAt(++i));
        else word.append(c);
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= text.length()) throw new IllegalArgumentException("a backslash ends the line");
        word.append(text.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) words.add(word.toString());
        word.setLength(0);
        inWord = false;
      } else if (c == '#' && !inWord) {
        break; // comment
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) throw new IllegalArgumentException("unclosed " + (quote == '"' ? "double" : "single") + " quote");
    if (inWord) words.add(word.toString());
    return words;
  }
}
