package io.gapsweep;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection, for the tests that prove a crash loses no committed trial and duplicates none.
 * Each fault is switched on by an environment variable; do not set them outside tests.
 *
 * <ul>
 *   <li>{@code GAPSWEEP_FAULT_KILL_DRIVER=<point>[:<n>]}: the driver sends itself SIGKILL the n-th
 *       time (default 1st) it reaches {@code point} ({@code started}, {@code staged}, {@code
 *       committed}, {@code trained}, {@code compacting}, {@code compacted}). A real SIGKILL, so no
 *       finally block, shutdown hook or buffered write runs, as when an operator or the OOM killer
 *       ends the driver.
 *   <li>{@code GAPSWEEP_FAULT_HALT_EXECUTOR_ONCE=<marker file>@<partition>}: the executor JVM that
 *       starts that partition's trial halts at once, as a killed JVM would, after creating the
 *       marker so that it happens once (the marker must be on a disk every executor sees). Never
 *       acted on in the driver, so local mode ignores it.
 *   <li>{@code GAPSWEEP_FAULT_FAIL_FIRST_ATTEMPT=<partition>}: the first attempt of that
 *       partition's task throws before training, in local mode too (the master must allow
 *       retries, e.g. {@code local[2,2]}).
 *   <li>{@code GAPSWEEP_FAULT_TRIAL_THROWS=<trial id>}: that trial's training throws, so the trial
 *       ends FAILED.
 *   <li>{@code GAPSWEEP_FAULT_OUT_OF_MEMORY=<point>}: the driver throws {@link OutOfMemoryError}
 *       when it reaches {@code point} ({@code sql}: before it runs the query).
 *   <li>{@code GAPSWEEP_FAULT_TRIAL_SLEEPS=<milliseconds>}: every trial waits that long before it
 *       trains, so that a test can act while trials are surely running, however fast they train.
 * </ul>
 */
public final class Faults {

  static final String KILL_DRIVER = "GAPSWEEP_FAULT_KILL_DRIVER";
  static final String HALT_EXECUTOR_ONCE = "GAPSWEEP_FAULT_HALT_EXECUTOR_ONCE";
  static final String FAIL_FIRST_ATTEMPT = "GAPSWEEP_FAULT_FAIL_FIRST_ATTEMPT";
  static final String TRIAL_THROWS = "GAPSWEEP_FAULT_TRIAL_THROWS";
  static final String TRIAL_SLEEPS = "GAPSWEEP_FAULT_TRIAL_SLEEPS";
  static final String OUT_OF_MEMORY = "GAPSWEEP_FAULT_OUT_OF_MEMORY";

  private static final Logger LOG = LoggerFactory.getLogger(Faults.class);
  private static final Map<String, AtomicInteger> REACHED = new ConcurrentHashMap<>();

  private Faults() {}

  /** Marks that the driver reached {@code point}; dies here if the environment says so. */
  public static void driverReached(String point) {
    String fault = System.getenv(KILL_DRIVER);
    if (fault == null) {
      return;
    }
    int colon = fault.indexOf(':');
    String name = colon < 0 ? fault : fault.substring(0, colon);
    int nth = colon < 0 ? 1 : Integer.parseInt(fault.substring(colon + 1));
    if (name.equals(point)
        && REACHED.computeIfAbsent(point, p -> new AtomicInteger()).incrementAndGet() == nth) {
      killSelf(point + ":" + nth);
    }
  }

  public static void maybeOutOfMemory(String point) {
    if (point.equals(System.getenv(OUT_OF_MEMORY))) {
      throw new OutOfMemoryError("Fault injection: out of memory at " + point);
    }
  }

  public static void maybeHaltExecutor(TaskContext context) {
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

  public static void maybeFailFirstAttempt(TaskContext context) {
    String partition = System.getenv(FAIL_FIRST_ATTEMPT);
    if (partition != null
        && Integer.parseInt(partition) == context.partitionId()
        && context.attemptNumber() == 0) {
      throw new IllegalStateException(
          "Fault injection: failing the first attempt of partition " + partition);
    }
  }

  public static void maybeThrowInTrial(String trialId) {
    if (trialId.equals(System.getenv(TRIAL_THROWS))) {
      throw new IllegalStateException("Fault injection: trial " + trialId + " throws");
    }
  }

  public static void maybeSleepInTrial() {
    String sleep = System.getenv(TRIAL_SLEEPS);
    if (sleep != null) {
      try {
        Thread.sleep(Long.parseLong(sleep));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void killSelf(String where) {
    System.err.println("Fault injection: SIGKILL at " + where);
    System.err.flush();
    try {
      new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid()))
          .inheritIO()
          .start()
          .waitFor();
      // The signal is asynchronous: never return into the code the test wants interrupted.
      Thread.sleep(Long.MAX_VALUE);
    } catch (IOException | InterruptedException e) {
      Runtime.getRuntime().halt(137);
    }
  }
}
