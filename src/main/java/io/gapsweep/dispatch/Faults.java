package io.gapsweep.dispatch;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection, for the tests that prove a lost executor loses no trial and duplicates none.
 *
 * <p>With the executor environment variable {@code GAPSWEEP_FAULT_HALT_EXECUTOR_ONCE} set to
 * {@code <marker file>@<partition>}, the executor JVM that starts that partition's trial halts
 * at once, as a killed JVM would, and creates the marker file first so that it happens only once
 * (the marker must be on a disk every executor sees; the tests run on one machine). Never acted on
 * in the driver, so local mode ignores it. Do not set it outside tests.
 */
final class Faults {

  static final String HALT_EXECUTOR_ONCE = "GAPSWEEP_FAULT_HALT_EXECUTOR_ONCE";

  private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

  private Faults() {}

  static void maybeHaltExecutor(TaskContext context) {
    String fault = System.getenv(HALT_EXECUTOR_ONCE);
    SparkEnv env = SparkEnv.get();
    if (fault == null || env == null || "driver".equals(env.executorId())) {
      return;
    }
    int at = fault.lastIndexOf('@');
    if (at < 0 || Integer.parseInt(fault.substring(at + 1)) != context.partitionId()) {
      return;
    }
    try {
      Files.createFile(Path.of(fault.substring(0, at)));
    } catch (FileAlreadyExistsException e) {
      return;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot inject fault " + fault, e);
    }
    LOG.warn("Fault injection: halting executor {} during partition {}", env.executorId(),
        context.partitionId());
    Runtime.getRuntime().halt(137);
  }
}
