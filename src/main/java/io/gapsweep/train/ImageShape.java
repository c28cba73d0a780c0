package io.gapsweep.train;

import io.gapsweep.data.ImageSet;
import java.io.Serializable;

/** Channels, height and width of the images a network takes. */
public record ImageShape(int channels, int height, int width) implements Serializable {

  public static ImageShape of(ImageSet images) {
    return new ImageShape(images.channels(), images.height(), images.width());
  }
}
