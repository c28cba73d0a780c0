package io.gapsweep.train.kernels;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReLU, as DL4J's {@link ActivationReLU}, with a faster gradient.
 *
 * <p>Why: M2's {@code relu_bp} op applies a per-element lambda that does not vectorize (about 8 ns
 * per element on one thread); a {@link Step} mask times the incoming gradient computes the same
 * values with two vectorized ops (dL/dz = dL/da where z &gt; 0, else 0). The forward pass is
 * DL4J's own op.
 */
public final class FastRelu extends BaseActivationFunction {

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    Nd4j.getExecutioner().exec(new RectifiedLinear(in, in));
    return in;
  }

  /**
   * Overwrites {@code in}, as DL4J's {@link ActivationReLU} does: its callers hand over a copy
   * (ActivationLayer, made in the gradient workspace) or a fresh pre-activation (dense layers) that
   * nothing reads afterwards. No new array, and ActivationLayer has no gradient from another
   * workspace to copy back.
   */
  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    Nd4j.getExecutioner().exec(new Step(in, in, 0.0));
    Nd4j.getExecutioner().exec(new MulOp(in, epsilon, in));
    return new Pair<>(in, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FastRelu;
  }

  @Override
  public int hashCode() {
    return FastRelu.class.hashCode();
  }

  @Override
  public String toString() {
    return "relu";
  }
}
