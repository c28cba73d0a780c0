package io.gapsweep.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a configuration file's bytes before typesafe-config parses it, for two things the parser
 * gets wrong for a user: it replaces bytes that are not UTF-8 without a word, and a missing {@code
 * include required(...)} file is reported as "resource not found on classpath" with no line. Here
 * both name the file and line; included files are checked the same way.
 */
final class SourceCheck {

  // include "x", include required("x"), include file("x"), include required(file("x")) ...
  private static final Pattern INCLUDE =
      Pattern.compile(
          "^\\s*include\\s+(required\\s*\\(\\s*)?(?:(file|classpath|url)\\s*\\(\\s*)?"
              + "\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final List<String> EXTENSIONS = List.of(".conf", ".json", ".properties");
  private static final int MAX_DEPTH = 50;

  private SourceCheck() {}

  /** @throws SettingsException naming the file and line of the first problem */
  static void check(Path file) {
    check(file, new HashSet<>(), 0);
  }

  private static void check(Path file, Set<Path> seen, int depth) {
    if (depth > MAX_DEPTH || !seen.add(file.toAbsolutePath().normalize())) {
      return; // the parser reports include cycles itself
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return; // the parser's own message names the file
    }
    String text = utf8(file, bytes);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher include = INCLUDE.matcher(lines[i]);
      if (!include.find()) {
        continue;
      }
      String kind = include.group(2);
      if ("classpath".equals(kind) || "url".equals(kind)) {
        continue;
      }
      boolean required = include.group(1) != null;
      String name = include.group(3);
      Path named = Path.of(name);
      Path base = file.toAbsolutePath().getParent();
      // file("x") is relative to the working folder, a bare "x" to the including file's folder.
      Path resolved =
          named.isAbsolute() || base == null
              ? named
              : "file".equals(kind) ? named.toAbsolutePath() : base.resolve(named);
      List<Path> candidates = candidates(resolved);
      Path found = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
      if (found != null) {
        check(found, seen, depth + 1);
      } else if (required && !(kind == null && onClasspath(name))) {
        throw new SettingsException(List.of(
            "Cannot read configuration " + file + ":" + (i + 1) + ": " + include.group().strip()
                + (include.group(1) != null ? ")" : "") + " finds no file: looked for "
                + String.join(", ", candidates.stream().map(Path::toString).toList())
                + (candidates.size() > 1
                    ? " (a name without .conf, .json or .properties gets each of them)"
                    : "")));
      }
    }
  }

  /** Typesafe-config reads {@code x.conf} as it is and tries each extension for a bare {@code x}. */
  private static List<Path> candidates(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    if (EXTENSIONS.stream().anyMatch(name::endsWith)) {
      return List.of(path);
    }
    List<Path> candidates = new ArrayList<>();
    for (String extension : EXTENSIONS) {
      candidates.add(path.resolveSibling(name + extension));
    }
    return candidates;
  }

  private static boolean onClasspath(String name) {
    ClassLoader loader = SourceCheck.class.getClassLoader();
    String resource = name.startsWith("/") ? name.substring(1) : name;
    return loader.getResource(resource) != null
        || EXTENSIONS.stream().anyMatch(e -> loader.getResource(resource + e) != null);
  }

  /** The text; or, at the first byte that is not UTF-8, a problem naming its line and column. */
  private static String utf8(Path file, byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new SettingsException(List.of(String.format(java.util.Locale.ROOT,
          "Cannot read configuration %s:%d: byte 0x%02X at byte %d of the line is not UTF-8;"
              + " save the file as UTF-8",
          file, line, bytes[at] & 0xFF, at - lineStart + 1)));
    }
    return out.flip().toString();
  }
}
