package io.gapsweep.train.kernels;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;

/**
 * Which implementation of dropout, ReLU, and the backprop of batch norm, convolutions and max
 * pooling a network trains with.
 *
 * <p>{@link #GAPSWEEP} (what trials use) computes the same functions as {@link #DL4J} (M2's
 * stock layers) with faster ops: see {@link FastDropout}, {@link FastRelu}, {@link FastBatchNorm},
 * {@link DirectConvolution} and {@link FastMaxPool}. The bench trains both side by side.
 */
public enum Kernels {
  /** DL4J M2's own layers and helpers. */
  DL4J,
  /** gapsweep's faster equivalents. */
  GAPSWEEP;

  /** Dropout keeping each activation with probability {@code retain}. */
  public IDropout dropout(double retain) {
    return this == GAPSWEEP ? new FastDropout(retain) : new Dropout(retain);
  }

  /** ReLU. */
  public IActivation relu() {
    return this == GAPSWEEP ? new FastRelu() : Activation.RELU.getActivationFunction();
  }

  /**
   * Gives every batch-norm layer that runs DL4J's oneDNN helper faster statistics and backward
   * pass, every convolution on that helper a backward pass of direct convolutions (without the
   * input gradient on the first layer), and every pooling layer on it a faster max-pool backward
   * pass; call after {@code init()}. Layers without those helpers (generic build, helpers
   * disabled) keep DL4J's built-in implementation. DL4J offers no hook for this: the helper is a
   * package-private or protected field, set here by reflection.
   */
  public void install(MultiLayerNetwork network) {
    if (this != GAPSWEEP) {
      return;
    }
    Layer[] layers = network.getLayers();
    for (int i = 0; i < layers.length; i++) {
      Layer layer = layers[i];
      Object helper = helperOf(layer);
      if (helper == null) {
        continue;
      }
      if (layer instanceof BatchNormalization && helper.getClass() == MKLDNNBatchNormHelper.class) {
        setHelper(layer, new FastBatchNorm());
      } else if (layer instanceof SubsamplingLayer
          && helper.getClass() == MKLDNNSubsamplingHelper.class) {
        setHelper(layer, new FastMaxPool());
      } else if (layer.getClass() == ConvolutionLayer.class
          && helper.getClass() == MKLDNNConvHelper.class) {
        // The first layer's input gradient is the one nothing uses.
        setHelper(layer, new DirectConvolution(i > 0));
      }
    }
  }

  /**
   * Replaces gapsweep's dropout and ReLU in {@code network}'s configuration with DL4J's own, which
   * compute the same at inference, so that its saved model loads in any DL4J M2 without gapsweep.
   * Call only once training is over.
   */
  public static void makePortable(MultiLayerNetwork network) {
    for (NeuralNetConfiguration conf : network.getLayerWiseConfigurations().getConfs()) {
      org.deeplearning4j.nn.conf.layers.Layer layer = conf.getLayer();
      if (layer.getIDropout() instanceof FastDropout fast) {
        layer.setIDropout(fast.stock());
      }
      if (layer instanceof BaseLayer base && base.getActivationFn() instanceof FastRelu) {
        base.setActivationFn(new ActivationReLU());
      }
      if (layer instanceof ActivationLayer activation
          && activation.getActivationFn() instanceof FastRelu) {
        activation.setActivationFn(new ActivationReLU());
      }
    }
  }

  private static final Field BATCH_NORM_HELPER = helperField(BatchNormalization.class);
  private static final Field CONVOLUTION_HELPER = helperField(ConvolutionLayer.class);
  private static final Field SUBSAMPLING_HELPER = helperField(SubsamplingLayer.class);

  private static Field helperField(Class<?> layer) {
    try {
      Field field = layer.getDeclaredField("helper");
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(
          "Cannot find DL4J's " + layer.getSimpleName() + " helper field: not DL4J 1.0.0-M2?", e);
    }
  }

  /** The field that holds {@code layer}'s helper, or null for a layer without one we replace. */
  private static Field fieldOf(Layer layer) {
    if (layer instanceof BatchNormalization) {
      return BATCH_NORM_HELPER;
    }
    if (layer instanceof ConvolutionLayer) {
      return CONVOLUTION_HELPER;
    }
    if (layer instanceof SubsamplingLayer) {
      return SUBSAMPLING_HELPER;
    }
    return null;
  }

  /** The helper a batch-norm, convolution or pooling layer runs, or null. */
  public static Object helperOf(Layer layer) {
    Field field = fieldOf(layer);
    try {
      return field == null ? null : field.get(layer);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void setHelper(Layer layer, Object helper) {
    try {
      fieldOf(layer).set(layer, helper);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
