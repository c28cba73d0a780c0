package io.gapsweep.train.kernels;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float arrays copied between ND4J's native memory and the Java heap in bulk, for the kernels
 * whose passes run in Java.
 */
final class NativeFloats {

  private NativeFloats() {}

  /** The values of {@code array} in C order, copied in bulk from native memory. */
  static float[] read(INDArray array) {
    return read(array, new float[0]);
  }

  /**
   * As {@link #read(INDArray)}, into the start of {@code reuse} when it is long enough; returns
   * the array that holds the values.
   */
  static float[] read(INDArray array, float[] reuse) {
    INDArray dense = isDense(array) ? array : array.dup('c');
    int length = (int) dense.length();
    float[] values = scratch(reuse, length);
    ((FloatPointer) dense.data().addressPointer()).get(values, 0, length);
    return values;
  }

  /**
   * {@code reuse} when it holds at least {@code length} floats, else a new array: the kernels keep
   * their scratch arrays between batches (why: FastBatchNorm's fields).
   */
  static float[] scratch(float[] reuse, int length) {
    return reuse.length >= length ? reuse : new float[length];
  }

  /** Writes {@code values} into {@code target} in C order. */
  static void write(float[] values, INDArray target) {
    write(values, values.length, target);
  }

  /** Writes the first {@code length} of {@code values} into {@code target} in C order. */
  static void write(float[] values, int length, INDArray target) {
    if (isDense(target)) {
      ((FloatPointer) target.data().addressPointer()).put(values, 0, length);
    } else {
      target.assign(Nd4j.createFromArray(Arrays.copyOf(values, length))
          .reshape(target.shape()));
    }
  }

  /** A C-order array that is its buffer's whole content, so that its memory can be read as is. */
  private static boolean isDense(INDArray array) {
    return array.ordering() == 'c' && !array.isView() && array.data().offset() == 0
        && array.data().length() == array.length() && Shape.hasDefaultStridesForShape(array);
  }
}
