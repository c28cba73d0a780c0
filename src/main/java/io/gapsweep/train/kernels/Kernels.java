package io.gapsweep.train.kernels;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;

/**
 * Which implementation of dropout, ReLU and batch-norm backprop a network trains with.
 *
 * <p>{@link #GAPSWEEP} (what trials use) computes the same functions as {@link #DL4J} (M2's
 * stock layers) with faster ND4J ops: see {@link FastDropout}, {@link FastRelu} and {@link
 * FastBatchNorm}. The bench trains both side by side.
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
   * Gives every batch-norm layer that runs DL4J's oneDNN helper the faster backward pass; call
   * after {@code init()}. Layers without that helper (generic build, helpers disabled) keep
   * DL4J's built-in implementation. DL4J offers no hook for this: the helper is a package-private
   * field, set here by reflection.
   */
  public void install(MultiLayerNetwork network) {
    if (this != GAPSWEEP) {
      return;
    }
    for (Layer layer : network.getLayers()) {
      Object helper = layer instanceof BatchNormalization ? helperOf(layer) : null;
      if (helper != null && helper.getClass() == MKLDNNBatchNormHelper.class) {
        setHelper(layer, new FastBatchNorm());
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

  private static final Field HELPER = helperField();

  private static Field helperField() {
    try {
      Field field = BatchNormalization.class.getDeclaredField("helper");
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(
          "Cannot find DL4J's batch-norm helper field: not DL4J 1.0.0-M2?", e);
    }
  }

  /** The helper a batch-norm layer runs, or null. */
  public static Object helperOf(Layer layer) {
    try {
      return HELPER.get(layer);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void setHelper(Layer layer, Object helper) {
    try {
      HELPER.set(layer, helper);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
