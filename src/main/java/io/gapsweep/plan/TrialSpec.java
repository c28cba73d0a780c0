package io.gapsweep.plan;

import java.io.Serializable;

/**
 * One point of the grid plus its repeat index: everything that makes one trial differ from another.
 *
 * @param trialId stable id: a hash of the sweep fingerprint and the sorted parameters
 * @param configId the same hash without the seed index; trials that differ only by seed share it
 * @param depth number of conv blocks
 * @param dropout drop rate (Keras meaning)
 * @param l2 L2 coefficient
 * @param augmentation augmentation preset name
 * @param seedIndex repeat index, from 0
 * @param seed the seed every random choice of the trial derives from (weights, shuffling, augmentation)
 */
public record TrialSpec(
    String trialId,
    String configId,
    int depth,
    double dropout,
    double l2,
    String augmentation,
    int seedIndex,
    long seed)
    implements Serializable {}
