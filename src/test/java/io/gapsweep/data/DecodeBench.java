package io.gapsweep.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Decode time of 2,000 images (1,000 PNG + 1,000 JPEG, 96x96, to 32x32 RGB) with the previous
 * per-file decoder (javax.imageio, {@code ImageDecoder.decode}) and with the datavec-spark record
 * decoder the image folder uses now ({@code DataVecDecode.Decoder}: header check, then DataVec's
 * ImageRecordReader inside RecordReaderBytesFunction, then BGR to RGB bytes), side by side in one
 * JVM on one thread, the order alternating each round, after a warm-up round.
 * Not a suite: run by hand, see src/site/markdown/images.md.
 */
public final class DecodeBench {

  private DecodeBench() {}

  public static void main(String[] args) throws IOException {
    Random random = new Random(1);
    List<byte[]> files = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      BufferedImage image = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
      int base = random.nextInt(0xFFFFFF);
      for (int y = 0; y < 96; y++) {
        for (int x = 0; x < 96; x++) {
          image.setRGB(x, y, (base + x * 0x020100 + y * 0x000102 + random.nextInt(16)) & 0xFFFFFF);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, i % 2 == 0 ? "png" : "jpg", out);
      files.add(out.toByteArray());
    }
    DataVecDecode.Decoder dataVec = new DataVecDecode.Decoder(32, 32, 3, Integer.MAX_VALUE);
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    double[] java = new double[rounds];
    double[] openCv = new double[rounds];
    for (int round = -1; round < rounds; round++) {
      boolean javaFirst = round % 2 == 0;
      for (int k = 0; k < 2; k++) {
        boolean isJava = (k == 0) == javaFirst;
        long start = System.nanoTime();
        for (byte[] f : files) {
          ImageDecoder.Result r = isJava
              ? ImageDecoder.decode(f, 32, 32, 3, Integer.MAX_VALUE)
              : dataVec.call(new scala.Tuple2<>(new org.apache.hadoop.io.Text("file:/bench/x"),
                  new org.apache.hadoop.io.BytesWritable(f)));
          if (r.pixels() == null) {
            throw new IllegalStateException((isJava ? "java" : "opencv") + ": " + r.problem());
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (round >= 0) {
          (isJava ? java : openCv)[round] = seconds;
        }
      }
    }
    show("javax.imageio (before)", java);
    show("DataVec record (now)", openCv);
  }

  private static void show(String name, double[] times) {
    double[] t = times.clone();
    Arrays.sort(t);
    System.out.printf("%-27s median %.3f s, range %.3f-%.3f s (n=%d rounds of 2,000 images)%n",
        name, t[t.length / 2], t[0], t[t.length - 1], t.length);
  }
}
