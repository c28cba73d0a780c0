package io.gapsweep.config;

/**
 * Where results go and how trials share the machine.
 *
 * @param output the output folder (local path or Hadoop filesystem URI)
 * @param localMaster Spark master used when none is given by {@code spark-submit}
 * @param threadsPerTrial ND4J/OpenMP/BLAS threads of one trial; also {@code spark.task.cpus}
 * @param maxTrials refuse a grid larger than this, to catch a typo before it costs a day
 * @param saveModels how many top-ranked configurations get their early-stopped model saved
 */
public record RunSettings(
    String output, String localMaster, int threadsPerTrial, int maxTrials, int saveModels) {

  /** These settings with another output folder, e.g. from {@code gapsweep run --output}. */
  public RunSettings withOutput(String newOutput) {
    return new RunSettings(newOutput, localMaster, threadsPerTrial, maxTrials, saveModels);
  }
}
