package io.gapsweep.train;

import io.gapsweep.config.Axes;
import io.gapsweep.config.TrainingSettings;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.kernels.Kernels;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the CNN a trial trains.
 *
 * <p>{@code depth} blocks of 3x3 conv (same padding, no bias: batch norm's beta takes its place)
 * → batch norm → ReLU → dropout → 2x2 max-pool, filters doubling from {@code base-filters}; then a
 * ReLU dense layer → dropout → softmax. L2 reaches conv, dense and output weights; DL4J leaves
 * biases and batch-norm parameters unregularized. Dropout, ReLU and batch-norm backprop run on
 * {@link Kernels#GAPSWEEP} unless the caller asks for DL4J's own.
 */
public final class NetworkFactory {

  private NetworkFactory() {}

  public static MultiLayerConfiguration configuration(
      TrialSpec spec, TrainingSettings training, ImageShape shape, int classes) {
    return configuration(spec, training, shape, classes, Kernels.GAPSWEEP);
  }

  /** As the other {@code configuration}, with a choice of kernels. */
  public static MultiLayerConfiguration configuration(
      TrialSpec spec, TrainingSettings shared, ImageShape shape, int classes, Kernels kernels) {
    TrainingSettings training = Axes.training(spec.params(), shared);
    double dropout = spec.value(Axes.DROPOUT);
    NeuralNetConfiguration.ListBuilder layers =
        new NeuralNetConfiguration.Builder()
            .seed(spec.seed())
            .updater(updater(training))
            .weightInit(WeightInit.RELU)
            .l2(spec.value(Axes.L2))
            .convolutionMode(ConvolutionMode.Same)
            // Keeps each convolution's output from the forward pass for the backward pass, which
            // would otherwise convolve again (M2's ConvolutionLayer): 8% of a training step.
            .cacheMode(CacheMode.DEVICE)
            .list();
    int filters = training.baseFilters();
    for (int block = 0; block < spec.value(Axes.DEPTH); block++) {
      layers.layer(
          new ConvolutionLayer.Builder(3, 3)
              .nOut(filters)
              .hasBias(false)
              .activation(Activation.IDENTITY)
              .build());
      layers.layer(new BatchNormalization.Builder().build());
      layers.layer(new ActivationLayer.Builder().activation(kernels.relu()).build());
      addDropout(layers, dropout, kernels);
      layers.layer(
          new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
      filters *= 2;
    }
    layers.layer(
        new DenseLayer.Builder().nOut(training.denseUnits()).activation(kernels.relu()).build());
    addDropout(layers, dropout, kernels);
    layers.layer(
        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .nOut(classes)
            .activation(Activation.SOFTMAX)
            .build());
    layers.setInputType(InputType.convolutional(shape.height(), shape.width(), shape.channels()));
    return layers.build();
  }

  public static MultiLayerNetwork create(
      TrialSpec spec, TrainingSettings training, ImageShape shape, int classes) {
    return create(spec, training, shape, classes, Kernels.GAPSWEEP);
  }

  /** As the other {@code create}, with a choice of kernels. */
  public static MultiLayerNetwork create(
      TrialSpec spec, TrainingSettings training, ImageShape shape, int classes, Kernels kernels) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(configuration(spec, training, shape, classes, kernels));
    network.init();
    kernels.install(network);
    return network;
  }

  /** Converts a Keras drop rate to DL4J's argument, which is the probability of keeping a unit. */
  static double retainProbability(double dropRate) {
    return 1.0 - dropRate;
  }

  private static void addDropout(
      NeuralNetConfiguration.ListBuilder layers, double dropRate, Kernels kernels) {
    if (dropRate > 0) {
      layers.layer(
          new DropoutLayer.Builder().dropOut(kernels.dropout(retainProbability(dropRate))).build());
    }
  }

  private static IUpdater updater(TrainingSettings training) {
    return switch (training.optimizer()) {
      case ADAM -> new Adam(training.learningRate());
      case NESTEROV -> new Nesterovs(training.learningRate(), training.momentum());
      case SGD -> new Sgd(training.learningRate());
    };
  }
}
