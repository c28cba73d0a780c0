package io.gapsweep.data;

import java.io.Serializable;

/**
 * A file in a class folder that was not used because it is not a readable image.
 *
 * @param path the file, as the user's path names it
 * @param reason why it could not be read, e.g. {@code not an image file}
 */
public record SkippedFile(String path, String reason) implements Serializable {}
