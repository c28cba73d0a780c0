package org.nd4j.nativeblas;

/**
 * Works around a DL4J 1.0.0-M2 bug that keeps the oneDNN layer helpers off for good.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} looks up this
 * class and its {@code isUseMKLDNN()} by reflection, but M2 moved the binding to {@code
 * org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment} and renamed the method {@code
 * isUseONEDNN()}. The lookup fails, a static flag records the failure, and no conv, pooling or
 * batch-norm layer ever gets its oneDNN helper. This class answers the lookup with the real value.
 * It is only consulted when helpers are enabled ({@code io.gapsweep.train.NativeBackend}). Drop it
 * when upgrading DL4J: later versions renamed these classes.
 */
public final class Nd4jCpu {

  private Nd4jCpu() {}

  /** The one method M2's check calls, on the one instance it asks for. */
  public static final class Environment {

    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    public boolean isUseMKLDNN() {
      return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance()
          .isUseONEDNN();
    }
  }
}
