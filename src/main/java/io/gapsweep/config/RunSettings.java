package io.gapsweep.config;

/**
 * Where results go and how trials share the machine.
 *
 * @param output the output folder (local path or Hadoop filesystem URI)
 * @param localMaster Spark master used when none is given by {@code spark-submit}
 * @param requestedThreadsPerTrial {@code threads-per-trial} as written: a count, or {@link #AUTO};
 *     {@link #threadsPerTrial(int, int)} resolves it
 * @param maxTrials refuse a grid larger than this, to catch a typo before it costs a day
 * @param saveModels how many top-ranked configurations get their early-stopped model saved
 */
public record RunSettings(
    String output, String localMaster, int requestedThreadsPerTrial, int maxTrials, int saveModels) {

  /** {@code threads-per-trial = auto}: chosen from the cores and the number of trials. */
  public static final int AUTO = 0;

  /** These settings with another output folder, e.g. from {@code gapsweep run --output}. */
  public RunSettings withOutput(String newOutput) {
    return new RunSettings(newOutput, localMaster, requestedThreadsPerTrial, maxTrials, saveModels);
  }

  /**
   * ND4J/OpenMP/BLAS threads of one trial, also {@code spark.task.cpus}. {@code auto} shares the
   * cores of an executor evenly among the trials that can run on it at once: measured on 2 cores,
   * two 1-thread trainings side by side do about 1.6x the work of one 2-thread training, so
   * concurrent trials come first and spare cores go to each trial's own threads.
   *
   * @param cores cores of one executor (of the local master in local mode)
   * @param trials trials in the sweep
   */
  public int threadsPerTrial(int cores, int trials) {
    if (requestedThreadsPerTrial != AUTO) {
      return requestedThreadsPerTrial;
    }
    int atOnce = Math.max(1, Math.min(trials, cores));
    return Math.max(1, cores / atOnce);
  }
}
