package io.gapsweep.train.kernels;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN convolution helper with a backward pass made of forward convolutions, which oneDNN
 * runs with its direct kernels; a network's first layer skips the gradient for its input images,
 * which nothing uses.
 *
 * <p>Why: M2's {@code conv2d_bp} asks oneDNN for {@code convolution_auto}, which picks Winograd for
 * the weight and input gradients of a 3×3 layer: for the first layer it pads the 3 channels of an
 * RGB image to 16, and on the reference network's second layer the two Winograd passes took 1.0 ms
 * of a 32-image batch where the two forward convolutions below take 0.54 ms (DNNL_VERBOSE, 1
 * thread, AVX-512 CPU); the first layer's input gradient alone took 2.8 ms.
 *
 * <p>With {@code x} the input [N, C, H, W], {@code g} the output gradient [N, O, H', W'] and
 * padding p: the weight gradient dL/dW[o, c, i, j] = Σ_{n,y,x} g[n, o, y, x] · x[n, c, y + i − p,
 * x + j − p] is a convolution of x read as a batch of C images of N channels with g read as O
 * filters of N channels and size H'×W', padded by p, whose output is C × O × kH × kW; the input
 * gradient is the convolution of g with the weights swapped to [C, O, kH, kW] and flipped in both
 * spatial axes, padded by k − 1 − p. Both operands are handed to oneDNN as permuted views: its
 * reorders into its own layouts read them through their strides.
 *
 * <p>It covers stride 1, dilation 1, NCHW float data and symmetric padding (odd kernels in
 * {@code Same} mode, or {@code Truncate}); anything else goes to DL4J's helper. Without the input
 * gradient it belongs only on the first layer of a {@code MultiLayerNetwork}: the null it returns
 * there is accepted because DL4J discards the first layer's input gradient during training.
 */
public final class DirectConvolution extends MKLDNNConvHelper {

  private final boolean inputGradient;

  /** @param inputGradient false on a network's first layer, whose input gradient nothing uses */
  public DirectConvolution(boolean inputGradient) {
    super(DataType.FLOAT);
    this.inputGradient = inputGradient;
  }

  /** Whether the backward pass computes the gradient for the layer's input. */
  public boolean inputGradient() {
    return inputGradient;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray input, INDArray weights, INDArray bias, INDArray delta, int[] kernel,
      int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView, IActivation afn,
      ConvolutionLayer.AlgoMode mode, ConvolutionLayer.BwdFilterAlgo bwdFilterAlgo,
      ConvolutionLayer.BwdDataAlgo bwdDataAlgo, ConvolutionMode convolutionMode, int[] dilation,
      CNN2DFormat format, LayerWorkspaceMgr workspaces) {
    int[] padding = symmetricPadding(input, delta, kernel, strides, pad, convolutionMode, dilation);
    if (padding == null || format != CNN2DFormat.NCHW || input.rank() != 4
        || input.dataType() != DataType.FLOAT || delta.dataType() != DataType.FLOAT
        || weightGradView.dataType() != DataType.FLOAT) {
      return super.backpropGradient(input, weights, bias, delta, kernel, strides, pad,
          biasGradView, weightGradView, afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode,
          dilation, format, workspaces);
    }
    long channels = input.size(1);
    long filters = delta.size(1);
    long outH = delta.size(2);
    long outW = delta.size(3);
    INDArray images = input.permute(1, 0, 2, 3);
    INDArray filterBank = delta.permute(1, 0, 2, 3);
    INDArray out = workspaces.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
        new long[] {channels, filters, kernel[0], kernel[1]}, 'c');
    Nd4j.exec(DynamicCustomOp.builder("conv2d")
        .addInputs(images, filterBank)
        .addOutputs(out)
        // kernel, stride, padding, dilation, padding mode 0 (explicit), NCHW, weights [O, I, kH, kW]
        .addIntegerArguments((int) outH, (int) outW, 1, 1, padding[0], padding[1], 1, 1, 0, 0, 1)
        .build());
    weightGradView.assign(out.permute(1, 0, 2, 3));

    Gradient gradient = new DefaultGradient();
    if (biasGradView != null) {
      biasGradView.assign(delta.sum(0, 2, 3).reshape(biasGradView.shape()));
      gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
    }
    gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
    return new Pair<>(gradient, inputGradient
        ? gradientForInput(weights, delta, input.shape(), kernel, padding, workspaces) : null);
  }

  /** g convolved with the weights swapped to [C, O, kH, kW] and flipped in both spatial axes. */
  private INDArray gradientForInput(INDArray weights, INDArray delta, long[] inputShape,
      int[] kernel, int[] padding, LayerWorkspaceMgr workspaces) {
    int kH = kernel[0];
    int kW = kernel[1];
    int outputs = (int) weights.size(0);
    int inputs = (int) weights.size(1);
    float[] w = NativeFloats.read(weights);
    float[] flipped = new float[w.length];
    for (int o = 0; o < outputs; o++) {
      for (int c = 0; c < inputs; c++) {
        for (int i = 0; i < kH; i++) {
          for (int j = 0; j < kW; j++) {
            flipped[((c * outputs + o) * kH + (kH - 1 - i)) * kW + (kW - 1 - j)] =
                w[((o * inputs + c) * kH + i) * kW + j];
          }
        }
      }
    }
    INDArray transposed = workspaces.createUninitialized(ArrayType.BP_WORKING_MEM,
        DataType.FLOAT, new long[] {inputs, outputs, kH, kW}, 'c');
    NativeFloats.write(flipped, transposed);
    INDArray epsNext = workspaces.createUninitialized(
        ArrayType.ACTIVATION_GRAD, DataType.FLOAT, inputShape, 'c');
    Nd4j.exec(DynamicCustomOp.builder("conv2d")
        .addInputs(delta, transposed)
        .addOutputs(epsNext)
        .addIntegerArguments(kH, kW, 1, 1, kH - 1 - padding[0], kW - 1 - padding[1], 1, 1, 0, 0, 1)
        .build());
    return epsNext;
  }

  /**
   * The padding {top, left} of a stride-1, dilation-1 convolution whose padding is the same on
   * both sides of each axis, or null when it is not such a convolution.
   */
  static int[] symmetricPadding(INDArray input, INDArray delta, int[] kernel, int[] strides,
      int[] pad, ConvolutionMode mode, int[] dilation) {
    if (strides[0] != 1 || strides[1] != 1 || dilation[0] != 1 || dilation[1] != 1
        || input.rank() != 4 || delta.rank() != 4
        || (mode != ConvolutionMode.Same && mode != ConvolutionMode.Truncate)) {
      return null;
    }
    int[] padding = new int[2];
    for (int axis = 0; axis < 2; axis++) {
      long in = input.size(2 + axis);
      long out = delta.size(2 + axis);
      int k = kernel[axis];
      // Same mode's top-left padding for stride 1 is (k - 1) / 2; Truncate's is the layer's own.
      int before = mode == ConvolutionMode.Same ? (k - 1) / 2 : pad[axis];
      long after = out - 1 + k - in - before;
      if (after != before || before < 0) {
        return null;
      }
      padding[axis] = before;
    }
    return padding;
  }
}
