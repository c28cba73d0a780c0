package io.gapsweep.train.kernels;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's oneDNN pooling helper with a faster backward pass for the max pooling gapsweep's networks
 * use: 2×2 windows at stride 2 that tile an NCHW float input exactly. Each output's gradient goes
 * to the first largest input of its window, in row-major order, as oneDNN's does.
 *
 * <p>Why: M2's {@code maxpool2d_bp} runs oneDNN's pooling forward again, in training mode, to get
 * the maxima's positions, and then the backward pass on NCHW data through transposes: 0.98 ms of a
 * 32×8×32×32 batch on one thread, where the forward pass itself takes 0.15 ms (DNNL_VERBOSE). This
 * pass compares the floats as integers whose order is the floats' order, with masks instead of
 * branches: which of four values is largest is a coin toss the branch predictor loses, and a
 * branchy version took 14 ns a window under C1, the launcher's JIT, against about 8 here. With the
 * copies in and out of the JVM it saves about 0.2 ms of the reference network's 12.4 ms training
 * step (alternating runs). The forward pass, and every case this does not cover (other pooling
 * types, windows, strides, padding, layouts, types), stay with DL4J's helper.
 */
public final class FastMaxPool extends MKLDNNSubsamplingHelper {

  // Scratch copies kept between batches, as in FastBatchNorm: a helper belongs to one layer of
  // one network, which trains on one thread at a time.
  private float[] x = new float[0];
  private float[] dy = new float[0];
  private float[] dx = new float[0];

  public FastMaxPool() {
    super(DataType.FLOAT);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray input, INDArray epsilon, int[] kernel, int[] strides, int[] pad,
      PoolingType poolingType, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
      LayerWorkspaceMgr workspaces) {
    if (!covers(input, epsilon, kernel, strides, poolingType, dilation, format)) {
      return super.backpropGradient(input, epsilon, kernel, strides, pad, poolingType,
          convolutionMode, dilation, format, workspaces);
    }
    int width = (int) input.size(3);
    int outputs = (int) epsilon.length();
    int length = (int) input.length();
    float[] x = this.x = NativeFloats.read(input, this.x);
    float[] dy = this.dy = NativeFloats.read(epsilon, this.dy);
    float[] dx = this.dx = NativeFloats.scratch(this.dx, length);
    // Output row r of the batch (planes × output rows) pools input rows 2r and 2r + 1.
    for (int out = 0, top = 0; out < outputs; top += 2 * width) {
      int bottom = top + width;
      for (int i = top; i < bottom; i += 2, out++) {
        int j = i + width;
        int a = order(x[i]);
        int b = order(x[i + 1]);
        int c = order(x[j]);
        int d = order(x[j + 1]);
        // k: which of a, b, c, d is the first largest; each step keeps it or takes the next
        int mask = greater(b, a);
        int best = a + ((b - a) & mask);
        int k = 1 & mask;
        mask = greater(c, best);
        best += (c - best) & mask;
        k += (2 - k) & mask;
        k += (3 - k) & greater(d, best);
        dx[i] = 0f;
        dx[i + 1] = 0f;
        dx[j] = 0f;
        dx[j + 1] = 0f;
        dx[i + (k >> 1) * width + (k & 1)] = dy[out];
      }
    }
    INDArray epsAtInput = workspaces.createUninitialized(
        ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
    NativeFloats.write(dx, length, epsAtInput);
    return new Pair<>(new DefaultGradient(), epsAtInput);
  }

  /**
   * Max pooling of NCHW floats in 2×2 windows at stride 2 that tile the input: no padding (in any
   * convolution mode, the output is exactly half the input on both axes) and no window overlap.
   */
  static boolean covers(INDArray input, INDArray epsilon, int[] kernel, int[] strides,
      PoolingType poolingType, int[] dilation, CNN2DFormat format) {
    return poolingType == PoolingType.MAX && format == CNN2DFormat.NCHW
        && input.rank() == 4 && epsilon.rank() == 4
        && input.dataType() == DataType.FLOAT && epsilon.dataType() == DataType.FLOAT
        && kernel[0] == 2 && kernel[1] == 2 && strides[0] == 2 && strides[1] == 2
        && dilation[0] == 1 && dilation[1] == 1
        && input.size(0) == epsilon.size(0) && input.size(1) == epsilon.size(1)
        && input.size(2) == 2 * epsilon.size(2) && input.size(3) == 2 * epsilon.size(3)
        && input.length() <= Integer.MAX_VALUE;
  }

  /**
   * An int whose signed order is {@code f}'s order among floats that are not NaN, with −0 and +0
   * equal (adding +0 turns −0 into +0): negative floats' magnitude bits are flipped.
   */
  static int order(float f) {
    int bits = Float.floatToRawIntBits(f + 0f);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  /** All ones if {@code a > b}, else zero; in long so that the difference cannot overflow. */
  static int greater(int a, int b) {
    return (int) (((long) b - a) >> 63);
  }
}
