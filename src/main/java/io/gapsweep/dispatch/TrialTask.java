package io.gapsweep.dispatch;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.plan.TrialSpec;
import java.io.Serializable;

/** What one Spark task receives: the trial and the augmentation preset it names. */
record TrialTask(TrialSpec spec, AugmentationPreset preset) implements Serializable {}
