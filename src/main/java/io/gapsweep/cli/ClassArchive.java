package io.gapsweep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launcher's class-data-sharing archive (see {@code submit/common.sh}). When a launch records
 * the classes it loads, the JVM writes the archive as it exits, whatever the command did; an
 * archive written by a run that stopped at a usage error, printed its help or replayed a finished
 * sweep holds a fraction of a sweep's classes and would speed up nothing, yet stand in for a good
 * one until the next build. So the launcher passes the archive's path and installs the archive
 * only if the run computed a sweep and said so here.
 */
final class ClassArchive {

  /** The system property the launcher sets to the path the JVM will write the archive to. */
  static final String PENDING = "io.gapsweep.class-archive";

  private ClassArchive() {}

  /** Marks the archive this JVM will write, if any, as one to keep: it loaded a whole sweep. */
  static void keep() {
    String pending = System.getProperty(PENDING);
    if (pending == null || pending.isEmpty()) {
      return;
    }
    try {
      Files.writeString(Path.of(pending + ".complete"), "");
    } catch (IOException e) {
      // Without the mark the launcher discards the archive and records another one next time.
    }
  }
}
