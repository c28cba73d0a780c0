package io.gapsweep.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.Text;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.datavec.image.recordreader.ImageRecordReader;
import org.datavec.spark.functions.data.FilesAsBytesFunction;
import org.datavec.spark.functions.data.RecordReaderBytesFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import scala.Tuple2;

/**
 * The decode job of an image folder, built from datavec-spark's functions: each file becomes a
 * {@code (Text uri, BytesWritable bytes)} record, decoded by DataVec's {@link ImageRecordReader}
 * (OpenCV through {@code NativeImageLoader}: decode, channel conversion, bilinear resize) inside
 * datavec-spark's {@link RecordReaderBytesFunction}.
 *
 * <p>Two ways the bytes reach the tasks, chosen by {@link Reading#of(String)}: a local folder's
 * bytes are read on the driver and shipped with the tasks (no executor needs the folder); a folder
 * on a filesystem every executor reaches ({@code hdfs://}, {@code s3a://}, ...) is read by the
 * executors themselves with {@code sc.binaryFiles} and datavec-spark's {@link
 * FilesAsBytesFunction}, so the driver never holds the encoded bytes.
 *
 * <p>What datavec-spark's functions do not give, each record gets around them: a header check
 * with {@code javax.imageio} first (format, declared size against the pixel limit, sample depth),
 * a check that a JPEG ends with its end-of-image marker (libjpeg only warns about a truncated file
 * and OpenCV returns it half-decoded), GIF through the Java decoder (OpenCV 4.5 reads no GIF), and
 * a failure of one file caught and named as a skipped file instead of failing the job.
 */
final class DataVecDecode {

  private DataVecDecode() {}

  /** How the tasks get the files' bytes. */
  enum Reading {
    /** The driver reads every file and ships its bytes with the tasks. */
    DRIVER_SHIPS_BYTES,
    /** Executors read the files themselves ({@code sc.binaryFiles}). */
    EXECUTORS_READ;

    /**
     * A path without a scheme or with {@code file:} is local to the driver: it ships the bytes.
     * Any other scheme names a filesystem the executors can reach: they read the files.
     */
    static Reading of(String where) {
      String scheme = new Path(where).toUri().getScheme();
      return scheme == null || scheme.equals("file") ? DRIVER_SHIPS_BYTES : EXECUTORS_READ;
    }
  }

  /** A file's bytes as the driver read them, or why it could not be read. */
  record Encoded(String path, byte[] bytes, String problem) implements java.io.Serializable {}

  /** Decodes {@code files} (bytes read on the driver); results in their order. */
  static List<ImageDecoder.Result> shipped(JavaSparkContext context, List<Encoded> files,
      int tasks, Decoder decoder) {
    return context.parallelize(files, tasks).map(file -> file.bytes() == null
        ? ImageDecoder.Result.failed(file.problem())
        : decoder.call(new Tuple2<>(new Text(file.path()), new BytesWritable(file.bytes()))))
        .collect();
  }

  /**
   * Decodes {@code paths} (qualified Hadoop paths) read by the executors; results in their order.
   * {@code binaryFiles} is given the class folders, not the files: Hadoop splits its input paths
   * at commas with no escape, and a file name may hold one. Files it lists that the driver did not
   * (a sub-folder) are dropped before decoding. A file the executors cannot read fails the job,
   * as any unreadable input does in Spark.
   *
   * @throws io.gapsweep.UserError when a folder's name holds a comma
   */
  static List<ImageDecoder.Result> executorsRead(JavaSparkContext context, List<String> paths,
      int tasks, Decoder decoder) {
    List<ImageDecoder.Result> results = new ArrayList<>();
    if (paths.isEmpty()) {
      return results;
    }
    java.util.Set<String> folders = new java.util.LinkedHashSet<>();
    java.util.HashSet<String> wanted = new java.util.HashSet<>();
    for (String path : paths) {
      Path p = new Path(path);
      String folder = p.getParent().toString();
      if (folder.indexOf(',') >= 0) {
        throw new io.gapsweep.UserError("Cannot read images from " + folder + " on the executors:"
            + " Hadoop's input paths are comma-separated and the folder's name holds a comma;"
            + " rename the folder");
      }
      folders.add(escapeGlob(folder));
      wanted.add(p.toUri().getPath());
    }
    FilesAsBytesFunction asBytes = new FilesAsBytesFunction();
    List<Tuple2<String, ImageDecoder.Result>> decoded = context
        .binaryFiles(String.join(",", folders), tasks)
        .filter(file -> wanted.contains(new Path(file._1()).toUri().getPath()))
        .mapToPair(asBytes)
        .map(record -> new Tuple2<>(record._1().toString(), decoder.call(record)))
        .collect();
    Map<String, ImageDecoder.Result> byPath = new HashMap<>();
    decoded.forEach(t -> byPath.put(new Path(t._1()).toUri().getPath(), t._2()));
    for (String path : paths) {
      ImageDecoder.Result result = byPath.get(new Path(path).toUri().getPath());
      results.add(result != null ? result
          : ImageDecoder.Result.failed("cannot read: the executors did not find it"));
    }
    return results;
  }

  /** Hadoop's input paths are globs: a folder name's own glob characters are literal. */
  private static String escapeGlob(String path) {
    StringBuilder out = new StringBuilder();
    for (char c : path.toCharArray()) {
      if ("\\{}[]*?".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Decodes one record; runs on executors and never throws for a bad file. */
  static final class Decoder
      implements Function<Tuple2<Text, BytesWritable>, ImageDecoder.Result> {

    private final int width;
    private final int height;
    private final int channels;
    private final int maxPixels;
    private final RecordReaderBytesFunction dataVec;

    Decoder(int width, int height, int channels, int maxPixels) {
      this.width = width;
      this.height = height;
      this.channels = channels;
      this.maxPixels = maxPixels;
      // No label generator: the driver knows every file's class from the folder it listed.
      this.dataVec = new RecordReaderBytesFunction(new ImageRecordReader(height, width, channels));
    }

    @Override
    public ImageDecoder.Result call(Tuple2<Text, BytesWritable> record) {
      byte[] file = Arrays.copyOf(record._2().getBytes(), record._2().getLength());
      Object header = ImageDecoder.header(file, maxPixels);
      if (header instanceof ImageDecoder.Result failed) {
        return failed;
      }
      ImageDecoder.Header h = (ImageDecoder.Header) header;
      if (h.format().equals("gif")) {
        return ImageDecoder.decode(file, width, height, channels, maxPixels);
      }
      if (h.format().equals("jpeg") && !endsJpeg(file)) {
        return ImageDecoder.Result.failed(
            "cannot decode: the JPEG file is truncated (no end-of-image marker)");
      }
      OpenCvThreads.limit();
      try {
        // DataVec parses the key as a java.net.URI; Hadoop's Path encodes what a name may hold.
        Text uri = new Text(new Path(record._1().toString()).toUri().toString());
        List<Writable> written = dataVec.call(new Tuple2<>(uri, new BytesWritable(file)));
        return new ImageDecoder.Result(pixels(written, h.bits()), null);
      } catch (Exception | LinkageError e) {
        String message = e.getMessage();
        return ImageDecoder.Result.failed("cannot decode: " + (message == null || message.isBlank()
            ? e.getClass().getSimpleName() : message));
      }
    }

    /**
     * DataVec's {@code [1, C, H, W]} array (BGR, 0-255, or 0-65535 for 16-bit samples) as gapsweep's
     * RGB (or luma) bytes, channels first.
     */
    private byte[] pixels(List<Writable> written, int bits) {
      INDArray array = ((NDArrayWritable) written.get(0)).get();
      float[] values = array.reshape(channels, (long) height * width).dup().data().asFloat();
      int plane = height * width;
      double scale = bits > 8 ? 255.0 / ((1 << bits) - 1) : 1.0;
      byte[] out = new byte[channels * plane];
      for (int c = 0; c < channels; c++) {
        // BGR to RGB: channel c of the output is channel (2 - c) of OpenCV's.
        int from = channels == 3 ? 2 - c : c;
        for (int i = 0; i < plane; i++) {
          long v = Math.round(values[from * plane + i] * scale);
          out[c * plane + i] = (byte) Math.max(0, Math.min(255, v));
        }
      }
      return out;
    }
  }

  /**
   * Whether a JPEG ends with its end-of-image marker (FF D9), allowing a little padding after it as
   * some cameras write.
   */
  static boolean endsJpeg(byte[] file) {
    int from = Math.max(1, file.length - 64);
    for (int i = file.length - 1; i >= from; i--) {
      if ((file[i - 1] & 0xFF) == 0xFF && (file[i] & 0xFF) == 0xD9) {
        return true;
      }
    }
    return false;
  }

  /** OpenCV's pool is sized to the machine's cores and would run beside every task's threads. */
  private static final class OpenCvThreads {
    static {
      org.bytedeco.opencv.global.opencv_core.setNumThreads(1);
    }

    static void limit() {
      // Loading the class runs the static initialiser, once per executor JVM.
    }
  }
}
