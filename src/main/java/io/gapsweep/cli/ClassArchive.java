package io.gapsweep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launcher's class-data-sharing archive (see {@code submit/common.sh}). When a launch records
 * the classes it loads, the JVM writes the archive as it exits, whatever the exit code; an archive
 * written by a command that stopped at a usage error would hold a fraction of a run's classes and
 * speed up nothing, yet stand in for a good one until the next build. So the launcher passes the
 * archive's path and installs it only if the command ended well and said so here.
 */
final class ClassArchive {

  /** The system property the launcher sets to the path the JVM will write the archive to. */
  static final String PENDING = "io.gapsweep.class-archive";

  private ClassArchive() {}

  /** After a command: marks the pending archive as worth keeping if the command succeeded. */
  static void commandEnded(int exitCode) {
    String pending = System.getProperty(PENDING);
    if (pending == null || pending.isEmpty() || exitCode != ExitCodes.OK) {
      return;
    }
    try {
      Files.writeString(Path.of(pending + ".complete"), "");
    } catch (IOException e) {
      // Without the mark the launcher discards the archive and records another one next time.
    }
  }
}
