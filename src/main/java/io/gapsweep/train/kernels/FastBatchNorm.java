package io.gapsweep.train.kernels;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.layers.convolution.BatchNorm;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN batch-norm helper with faster batch statistics and backward pass for NCHW float
 * activations.
 *
 * <p>Why: M2's {@code batchnorm_bp} runs oneDNN with the batch statistics given as constants and
 * then adds the gradient through the mean and variance with about ten further passes of generic
 * NDArray ops, 3-4 ms for a 32x8x32x32 batch on one thread, the largest cost of a small CNN after
 * its convolutions. Here the whole gradient takes two passes over the data: one for the per-channel
 * sums, one for dL/dx = a·dy + b·(x−m) + k per channel. In training, the forward pass's batch
 * mean and variance take one pass over a copy of the activations: M2's helper computes the
 * variance over axes (0, 2, 3) with a generic strided reduction, 1.8 ms of a 32x8x32x32 batch and
 * 10% of the reference network's training step (async-profiler, 1 thread). The normalization
 * itself stays with oneDNN's {@code batchnorm} op, and every case this does not cover (inference,
 * other layouts, types, ranks) with DL4J's helper.
 *
 * <p>With {@code m} the batch mean, {@code s = 1/sqrt(var + eps)} and {@code M} the values per
 * channel (batch × height × width): dL/dβ = Σdy, dL/dγ = s·Σdy(x−m), and
 * dL/dx = γs·(dy − Σdy/M − (x−m)·s²·Σdy(x−m)/M), with the sums in double.
 */
public final class FastBatchNorm extends MKLDNNBatchNormHelper {

  // Scratch copies of the activations and gradients, kept between batches: at 1 MB for the first
  // layer of a 32-image batch they are humongous objects to G1, and allocating them anew each
  // batch started a concurrent GC cycle about twice a second. A helper belongs to one layer of one
  // network, which trains on one thread at a time.
  private float[] x = new float[0];
  private float[] dy = new float[0];
  private float[] dx = new float[0];
  // The batch statistics of the last training forward pass, when this class computed them; the
  // layer reads them back through getMeanCache and getVarCache in its backward pass.
  private INDArray batchMean;
  private INDArray batchVar;
  private boolean ownStatistics;
  // The activations the last training forward pass copied into x: the backward pass gets the same
  // array as its input and need not copy it again.
  private INDArray forwardInput;
  private OpContext normalize;

  public FastBatchNorm() {
    super(DataType.FLOAT);
  }

  @Override
  public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma,
      INDArray beta, INDArray mean, INDArray var, double decay, double eps, CNN2DFormat format,
      LayerWorkspaceMgr workspaces) {
    ownStatistics = training && x.rank() == 4 && format == CNN2DFormat.NCHW
        && x.dataType() == DataType.FLOAT && gamma != null && beta != null
        && x.length() <= Integer.MAX_VALUE;
    forwardInput = null;
    if (!ownStatistics) {
      return super.preOutput(x, training, shape, gamma, beta, mean, var, decay, eps, format,
          workspaces);
    }
    int batch = (int) x.size(0);
    int channels = (int) x.size(1);
    int plane = (int) (x.size(2) * x.size(3));
    float[] values = this.x = NativeFloats.read(x, this.x);
    forwardInput = x;
    double count = (double) batch * plane;
    float[] m = new float[channels];
    float[] v = new float[channels];
    for (int c = 0; c < channels; c++) {
      // One pass over values shifted by one of them (the "shifted data" algorithm: Chan, Golub
      // and LeVeque 1983), in double: Σ(x−K)² − (Σ(x−K))²/M loses nothing to cancellation as long
      // as K lies within a few standard deviations of the mean, which a sample of the channel does.
      float shift = values[c * plane];
      double sum = 0;
      double squares = 0;
      for (int n = 0; n < batch; n++) {
        int from = (n * channels + c) * plane;
        for (int i = from; i < from + plane; i++) {
          double d = values[i] - shift;
          sum += d;
          squares += d * d;
        }
      }
      m[c] = (float) (shift + sum / count);
      v[c] = (float) (Math.max(0, squares - sum * sum / count) / count);
    }
    if (batchMean == null || batchMean.length() != channels) {
      try (MemoryWorkspace none = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
        batchMean = Nd4j.createUninitialized(DataType.FLOAT, channels);
        batchVar = Nd4j.createUninitialized(DataType.FLOAT, channels);
      }
    }
    NativeFloats.write(m, batchMean);
    NativeFloats.write(v, batchVar);

    if (normalize == null) {
      normalize = Nd4j.getExecutioner().buildContext();
      normalize.setIArguments(1, 1, 1); // apply gamma, apply beta, channel axis 1 (NCHW)
      normalize.setTArguments(eps);
    }
    normalize.purge();
    normalize.setInputArray(0, x);
    normalize.setInputArray(1, batchMean);
    normalize.setInputArray(2, batchVar);
    normalize.setInputArray(3, gamma.reshape(gamma.length()));
    normalize.setInputArray(4, beta.reshape(beta.length()));
    INDArray out = workspaces.createUninitialized(
        ArrayType.ACTIVATIONS, DataType.FLOAT, x.shape(), 'c');
    normalize.setOutputArray(0, out);
    Nd4j.exec(new BatchNorm(), normalize);
    return out;
  }

  @Override
  public INDArray getMeanCache(DataType dataType) {
    return ownStatistics ? batchMean : super.getMeanCache(dataType);
  }

  @Override
  public INDArray getVarCache(DataType dataType) {
    return ownStatistics ? batchVar : super.getVarCache(dataType);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray input, INDArray epsilon, long[] shape, INDArray gamma, INDArray beta,
      INDArray dGammaView, INDArray dBetaView, double eps, CNN2DFormat format,
      LayerWorkspaceMgr workspaces) {
    INDArray mean = getMeanCache(DataType.FLOAT);
    INDArray var = getVarCache(DataType.FLOAT);
    if (input.rank() != 4 || format != CNN2DFormat.NCHW || input.dataType() != DataType.FLOAT
        || epsilon.dataType() != DataType.FLOAT || gamma == null || mean == null
        || input.length() > Integer.MAX_VALUE) {
      return super.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps,
          format, workspaces);
    }
    int batch = (int) input.size(0);
    int channels = (int) input.size(1);
    int plane = (int) (input.size(2) * input.size(3));
    int length = (int) input.length();
    // locals, so that the loops below read plain arrays
    float[] x = input == forwardInput ? this.x : (this.x = NativeFloats.read(input, this.x));
    forwardInput = null;
    float[] dy = this.dy = NativeFloats.read(epsilon, this.dy);
    float[] dx = this.dx = NativeFloats.scratch(this.dx, length);
    float[] m = NativeFloats.read(mean);
    float[] v = NativeFloats.read(var);
    float[] g = NativeFloats.read(gamma);

    double[] sumDy = new double[channels];
    double[] sumDyXm = new double[channels];
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        int from = (n * channels + c) * plane;
        float mc = m[c];
        double sDy = 0;
        double sDyXm = 0;
        for (int i = from; i < from + plane; i++) {
          sDy += dy[i];
          sDyXm += (double) dy[i] * (x[i] - mc);
        }
        sumDy[c] += sDy;
        sumDyXm[c] += sDyXm;
      }
    }

    double count = (double) batch * plane;
    float[] a = new float[channels];
    float[] b = new float[channels];
    float[] k = new float[channels];
    float[] dGamma = new float[channels];
    float[] dBeta = new float[channels];
    for (int c = 0; c < channels; c++) {
      double s = 1.0 / Math.sqrt(v[c] + eps);
      a[c] = (float) (g[c] * s);
      b[c] = (float) (-g[c] * s * s * s * sumDyXm[c] / count);
      k[c] = (float) (-g[c] * s * sumDy[c] / count);
      dGamma[c] = (float) (s * sumDyXm[c]);
      dBeta[c] = (float) sumDy[c];
    }
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        int from = (n * channels + c) * plane;
        float ac = a[c];
        float bc = b[c];
        float kc = k[c];
        float mc = m[c];
        for (int i = from; i < from + plane; i++) {
          dx[i] = ac * dy[i] + bc * (x[i] - mc) + kc;
        }
      }
    }

    INDArray epsAtInput = workspaces.createUninitialized(
        ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
    NativeFloats.write(dx, length, epsAtInput);
    NativeFloats.write(dGamma, dGammaView);
    NativeFloats.write(dBeta, dBetaView);
    Gradient gradient = new DefaultGradient();
    gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
    gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
    return new Pair<>(gradient, epsAtInput);
  }
}
