package io.gapsweep.sweep;

/**
 * What a run knows once it is ready to train: what the user hears before the first trial.
 *
 * @param name the sweep's name
 * @param dataSummary the data summary, one or more lines, each ending in a newline
 * @param trials trials in the grid
 * @param threadsPerTrial ND4J threads of one trial
 * @param backend the native backend that runs the trials
 * @param output the output folder or URI
 * @param resume what an earlier run left, when the run resumes one
 */
public record SweepStart(
    String name, String dataSummary, int trials, int threadsPerTrial, String backend, String output,
    java.util.Optional<Resume> resume) {}
