package io.gapsweep.train;

import java.io.Serializable;

/**
 * What a Spark task sends back: the trial's result and, when it kept one, its early-stopped model
 * as a DL4J model zip (without updater state: a small CNN's zip is tens of kilobytes).
 *
 * @param result the trial result, as stored
 * @param bestModel the model zip, or {@code null} when the trial kept no model
 */
public record TrialOutput(TrialResult result, byte[] bestModel) implements Serializable {}
