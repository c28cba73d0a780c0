package io.gapsweep.data;

import io.gapsweep.UserError;
import io.gapsweep.config.DataSettings;
import io.gapsweep.config.DirectorySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads images laid out as Keras's {@code flow_from_directory} expects: {@code train/} and
 * {@code validation/} folders of class folders, or one folder of class folders split by
 * {@code validation-split}. See {@code gapsweep.data.directory} in {@code reference.conf}.
 *
 * <p>The driver lists the folders (through Hadoop's {@link FileSystem}, so any Hadoop URI works) and
 * checks the layout; a datavec-spark job ({@link DataVecDecode}) decodes the files, once per sweep,
 * and the driver collects the compact pixels into a {@link Dataset}, which the sweep broadcasts. A
 * local folder's bytes are read by the driver and shipped with the tasks (executors never open
 * it); a folder under another URI scheme is read by the executors. Problems the user can fix are
 * {@link UserError}s that name the path.
 */
public final class ImageFolders {

  private static final Logger LOG = LoggerFactory.getLogger(ImageFolders.class);

  static final String TRAIN = "train";
  static final String VALIDATION = "validation";
  static final String TEST = "test";
  /** Fixed, so that the same files always give the same split. */
  static final long SPLIT_SEED = 20_240_611L;
  private static final int TASKS_PER_CORE = 4;

  /**
   * One file to decode; {@code split} is 0 for training, 1 for validation, 2 for "to split", 3 for
   * test. {@code problem} says why an entry that is not a readable file (a link loop) is skipped.
   */
  record ImageFile(String path, int split, int label, String problem) implements Serializable {}

  private static final int TRAIN_SPLIT = 0;
  private static final int VALIDATION_SPLIT = 1;
  private static final int UNSPLIT = 2;
  private static final int TEST_SPLIT = 3;
  private static final int SPLITS = 4;

  private ImageFolders() {}

  /**
   * Lists, decodes and splits the images under {@code settings.directory().path()}.
   *
   * @throws UserError when the folder cannot be used, or, with {@code strict = true}, at the first
   *     file that is not a readable image
   */
  public static LoadedDataset load(SparkSession spark, DataSettings settings) {
    return load(spark, settings, DataVecDecode.Reading.of(settings.directory().path()));
  }

  /** As {@link #load(SparkSession, DataSettings)}, the bytes reaching the tasks as {@code reading} says. */
  static LoadedDataset load(SparkSession spark, DataSettings settings, DataVecDecode.Reading reading) {
    DirectorySettings directory = settings.directory();
    String where = directory.path();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path root = new Path(where);
    List<String> classes;
    List<ImageFile> files;
    FileSystem fs;
    try {
      fs = root.getFileSystem(hadoop);
      Layout layout = Layout.of(fs, root, where, directory);
      classes = layout.classes();
      files = layout.files(fs);
    } catch (IOException e) {
      throw new UserError("Cannot load images from " + where + ": " + e.getMessage(), e);
    }

    long start = System.nanoTime();
    List<ImageDecoder.Result> decoded = decode(spark, fs, files, settings, reading);
    LOG.info("Decoded {} files from {} ({}) in {} s", files.size(), where, reading,
        String.format("%.2f", (System.nanoTime() - start) / 1e9));

    List<SkippedFile> skipped = new ArrayList<>();
    // [split][label] -> pixels of the readable images, in file order
    List<List<List<byte[]>>> images = new ArrayList<>();
    for (int split = 0; split < SPLITS; split++) {
      List<List<byte[]>> perClass = new ArrayList<>();
      classes.forEach(c -> perClass.add(new ArrayList<>()));
      images.add(perClass);
    }
    for (int i = 0; i < files.size(); i++) {
      ImageFile file = files.get(i);
      ImageDecoder.Result result = decoded.get(i);
      if (result.pixels() == null) {
        if (directory.strict()) {
          throw new UserError("Cannot load image " + file.path() + ": " + result.problem()
              + " (gapsweep.data.directory.strict = true)");
        }
        skipped.add(new SkippedFile(file.path(), result.problem()));
      } else {
        images.get(file.split()).get(file.label()).add(result.pixels());
      }
    }

    List<List<byte[]>> train;
    List<List<byte[]>> validation;
    if (directory.splitsValidation()) {
      train = new ArrayList<>();
      validation = new ArrayList<>();
      for (int label = 0; label < classes.size(); label++) {
        List<byte[]> all = images.get(UNSPLIT).get(label);
        String folder = classFolder(files, label);
        requireImages(all, folder);
        if (all.size() < 2) {
          throw new UserError("Cannot hold out validation images from " + folder
              + ": it has 1 readable image; expected at least 2 with validation-split "
              + directory.validationSplit());
        }
        // Files are in name order already; the shuffle depends on nothing else.
        List<byte[]> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(SPLIT_SEED));
        int held = (int) Math.round(all.size() * directory.validationSplit());
        held = Math.max(1, Math.min(all.size() - 1, held));
        validation.add(shuffled.subList(0, held));
        train.add(shuffled.subList(held, shuffled.size()));
      }
    } else {
      train = images.get(TRAIN_SPLIT);
      validation = images.get(VALIDATION_SPLIT);
      for (int label = 0; label < classes.size(); label++) {
        requireImages(train.get(label), classFolder(files, TRAIN_SPLIT, label));
        requireImages(validation.get(label), classFolder(files, VALIDATION_SPLIT, label));
      }
    }

    Dataset dataset = new Dataset(classes, imageSet(train, settings), imageSet(validation, settings));
    // Absent test/: an empty set. Never part of the broadcast dataset.
    ImageSet test = imageSet(images.get(TEST_SPLIT), settings);
    List<String> warnings = new ArrayList<>();
    int min = directory.minImagesPerClass();
    for (int label = 0; label < classes.size(); label++) {
      warnFew(warnings, classes.get(label), "training", train.get(label).size(), min);
      warnFew(warnings, classes.get(label), "validation", validation.get(label).size(), min);
    }
    return new LoadedDataset(dataset, where, skipped, warnings, test);
  }

  /**
   * Decodes {@code files} in a datavec-spark job ({@link DataVecDecode}); results in the order of
   * {@code files}. With {@link DataVecDecode.Reading#DRIVER_SHIPS_BYTES} the driver reads every
   * file and the tasks receive the bytes, so no executor opens the image folder; reading is cheap
   * next to decoding, which is what runs in parallel. With {@link
   * DataVecDecode.Reading#EXECUTORS_READ} the executors read the files themselves.
   */
  private static List<ImageDecoder.Result> decode(SparkSession spark, FileSystem fs,
      List<ImageFile> files, DataSettings settings, DataVecDecode.Reading reading) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int tasks = Math.max(1, Math.min(files.size(), context.defaultParallelism() * TASKS_PER_CORE));
    DataVecDecode.Decoder decoder = new DataVecDecode.Decoder(settings.width(), settings.height(),
        settings.channels(), settings.directory().maxPixels());
    if (reading == DataVecDecode.Reading.EXECUTORS_READ) {
      List<String> paths = new ArrayList<>();
      for (ImageFile file : files) {
        if (file.problem() == null) {
          paths.add(fs.makeQualified(new Path(file.path())).toString());
        }
      }
      List<ImageDecoder.Result> read = DataVecDecode.executorsRead(context, paths, tasks, decoder);
      List<ImageDecoder.Result> results = new ArrayList<>(files.size());
      Iterator<ImageDecoder.Result> next = read.iterator();
      for (ImageFile file : files) {
        results.add(file.problem() != null ? ImageDecoder.Result.failed(file.problem()) : next.next());
      }
      return results;
    }
    List<DataVecDecode.Encoded> encoded = new ArrayList<>(files.size());
    for (ImageFile file : files) {
      Path path = new Path(file.path());
      String uri = path.toString();
      if (file.problem() != null) {
        encoded.add(new DataVecDecode.Encoded(uri, null, file.problem()));
        continue;
      }
      try (InputStream in = fs.open(path)) {
        encoded.add(new DataVecDecode.Encoded(uri, in.readAllBytes(), null));
      } catch (IOException e) {
        encoded.add(new DataVecDecode.Encoded(uri, null, "cannot read: " + e.getMessage()));
      }
    }
    return DataVecDecode.shipped(context, encoded, tasks, decoder);
  }

  /** How the folder is laid out, checked before anything is decoded. */
  private record Layout(
      Path root, List<String> classes, List<String> splitFolders, boolean toSplit, boolean hasTest) {

    static Layout of(FileSystem fs, Path root, String where, DirectorySettings directory)
        throws IOException {
      if (!fs.exists(root)) {
        throw new UserError("Cannot load images from " + where + ": it does not exist");
      }
      if (!fs.getFileStatus(root).isDirectory()) {
        throw new UserError("Cannot load images from " + where + ": it is a file, not a folder");
      }
      Set<String> top = folders(fs, root);
      boolean hasTrain = top.contains(TRAIN);
      boolean hasValidation = top.contains(VALIDATION);
      if (hasValidation && directory.splitsValidation()) {
        throw new UserError("Cannot load images from " + where + ": it has its own " + VALIDATION
            + "/ folder, and gapsweep.data.directory.validation-split is "
            + directory.validationSplit() + "; set validation-split = 0 to use " + VALIDATION
            + "/, or remove " + VALIDATION + "/");
      }
      if (hasValidation && !hasTrain) {
        throw new UserError("Cannot load images from " + where + ": it has a " + VALIDATION
            + "/ folder but no " + TRAIN + "/ folder; expected both, with one folder per class");
      }
      if (hasTrain && !hasValidation && !directory.splitsValidation()) {
        throw new UserError("Cannot load images from " + where + ": it has a " + TRAIN
            + "/ folder but no " + VALIDATION + "/ folder; add " + VALIDATION
            + "/ with one folder per class, or set gapsweep.data.directory.validation-split"
            + " to hold out part of " + TRAIN + "/");
      }
      if (hasTrain && hasValidation) {
        String trainWhere = child(root, TRAIN).toString();
        Set<String> train = classFolders(fs, child(root, TRAIN), trainWhere);
        Set<String> validation =
            classFolders(fs, child(root, VALIDATION), child(root, VALIDATION).toString());
        for (String c : train) {
          if (!validation.contains(c)) {
            throw new UserError("Cannot load images from " + where + ": class " + c + " is in "
                + TRAIN + "/ but not in " + VALIDATION + "/; expected the same class folders in both");
          }
        }
        for (String c : validation) {
          if (!train.contains(c)) {
            throw new UserError("Cannot load images from " + where + ": class " + c + " is in "
                + VALIDATION + "/ but not in " + TRAIN + "/; expected the same class folders in both");
          }
        }
        requireTwo(trainWhere, train);
        boolean hasTest = top.contains(TEST) && checkTest(fs, root, where, train);
        return new Layout(root, List.copyOf(train), List.of(TRAIN, VALIDATION), false, hasTest);
      }
      if (hasTrain) {
        Path trainRoot = child(root, TRAIN);
        Set<String> train = classFolders(fs, trainRoot, trainRoot.toString());
        requireTwo(trainRoot.toString(), train);
        boolean hasTest = top.contains(TEST) && checkTest(fs, root, where, train);
        return new Layout(root, List.copyOf(train), List.of(TRAIN), true, hasTest);
      }
      Set<String> classes = classFolders(fs, root, where);
      requireTwo(where, classes);
      if (!directory.splitsValidation()) {
        throw new UserError("Cannot load images from " + where + ": it has class folders but no "
            + TRAIN + "/ and " + VALIDATION + "/ folders, and gapsweep.data.directory"
            + ".validation-split is 0; set validation-split in (0, 1) to hold out part of each"
            + " class, or add " + TRAIN + "/ and " + VALIDATION + "/ folders");
      }
      return new Layout(root, List.copyOf(classes), List.of(""), true, false);
    }

    /**
     * Whether {@code test/} holds class folders to decode: every one must be a training class; a
     * training class may be missing from it (it then has no test images).
     */
    private static boolean checkTest(FileSystem fs, Path root, String where, Set<String> train)
        throws IOException {
      for (String c : folders(fs, child(root, TEST))) {
        if (!train.contains(c)) {
          throw new UserError("Cannot load images from " + where + ": class " + c + " is in "
              + TEST + "/ but not in " + TRAIN + "/; expected only training classes in " + TEST + "/");
        }
      }
      return true;
    }

    /**
     * Every file to decode, by split, class and name; an empty class folder is an error (in
     * {@code test/}, a missing class folder is not).
     */
    List<ImageFile> files(FileSystem fs) throws IOException {
      List<ImageFile> files = new ArrayList<>();
      for (int s = 0; s < splitFolders.size(); s++) {
        int split = toSplit ? UNSPLIT : s;
        Path base = splitFolders.get(s).isEmpty() ? root : child(root, splitFolders.get(s));
        for (int label = 0; label < classes.size(); label++) {
          addFolder(fs, child(base, classes.get(label)), split, label, files, true);
        }
      }
      if (hasTest) {
        for (int label = 0; label < classes.size(); label++) {
          Path folder = child(child(root, TEST), classes.get(label));
          if (fs.exists(folder)) {
            addFolder(fs, folder, TEST_SPLIT, label, files, false);
          }
        }
      }
      return files;
    }

    private static void addFolder(FileSystem fs, Path folder, int split, int label,
        List<ImageFile> files, boolean required) throws IOException {
      TreeMap<String, String> names = new TreeMap<>();
      for (FileStatus status : fs.listStatus(folder)) {
        if (status.isFile() && visible(status.getPath().getName())) {
          names.put(status.getPath().getName(), null);
        }
      }
      unreadableLinks(fs, folder).forEach(names::putIfAbsent);
      if (names.isEmpty() && required) {
        throw new UserError("Cannot load images from " + folder + ": the class folder is empty");
      }
      names.forEach((name, problem) ->
          files.add(new ImageFile(child(folder, name).toString(), split, label, problem)));
    }

    /**
     * Links in a local class folder that lead nowhere, with why: Hadoop's local listing drops
     * them without a word (its getFileStatus fails on them), and a user should hear about a file
     * that is left out.
     */
    private static Map<String, String> unreadableLinks(FileSystem fs, Path folder)
        throws IOException {
      Map<String, String> links = new TreeMap<>();
      if (!(fs instanceof LocalFileSystem local)) {
        return links;
      }
      java.nio.file.Path dir = local.pathToFile(folder).toPath();
      try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(dir)) {
        for (java.nio.file.Path entry : entries) {
          String name = entry.getFileName().toString();
          if (visible(name) && Files.isSymbolicLink(entry) && !Files.exists(entry)) {
            links.put(name, linkProblem(entry));
          }
        }
      }
      return links;
    }

    private static String linkProblem(java.nio.file.Path link) {
      try {
        link.toRealPath();
        return "cannot read: the link's target vanished while listing";
      } catch (NoSuchFileException e) {
        return "cannot read: a broken symbolic link";
      } catch (IOException e) {
        // ELOOP: "Too many levels of symbolic links"; the JDK names no exception type for it.
        String reason = e instanceof FileSystemException f && f.getReason() != null
            ? f.getReason() : String.valueOf(e.getMessage());
        return reason.contains("levels of symbolic links")
            ? "cannot read: a symbolic link loop"
            : "cannot read: " + reason;
      }
    }
  }

  private static Set<String> classFolders(FileSystem fs, Path folder, String where)
      throws IOException {
    Set<String> classes = folders(fs, folder);
    if (classes.isEmpty()) {
      throw new UserError("Cannot load images from " + where
          + ": it has no class folders; expected one folder per class, or " + TRAIN + "/ and "
          + VALIDATION + "/ folders with one folder per class");
    }
    return classes;
  }

  private static void requireTwo(String where, Set<String> classes) {
    if (classes.size() < 2) {
      throw new UserError("Cannot load images from " + where + ": it has 1 class folder ("
          + classes.iterator().next() + "); expected at least 2 classes");
    }
  }

  /** Visible sub-folders, sorted by name (Java's String order, as Keras's sorted()). */
  private static Set<String> folders(FileSystem fs, Path folder) throws IOException {
    Set<String> names = new TreeSet<>();
    for (FileStatus status : fs.listStatus(folder)) {
      if (status.isDirectory() && visible(status.getPath().getName())) {
        names.add(status.getPath().getName());
      }
    }
    return names;
  }

  /** Hidden and bookkeeping files (.DS_Store, _SUCCESS) are not data, as Hadoop's own readers agree. */
  private static boolean visible(String name) {
    return !name.startsWith(".") && !name.startsWith("_");
  }

  /** A child path that keeps the user's spelling of the parent (no scheme added). */
  private static Path child(Path parent, String name) {
    return new Path(parent, name);
  }

  private static void requireImages(List<byte[]> images, String folder) {
    if (images.isEmpty()) {
      throw new UserError("Cannot load images from " + folder
          + ": none of its files is a readable image");
    }
  }

  private static String classFolder(List<ImageFile> files, int label) {
    return classFolder(files, UNSPLIT, label);
  }

  private static String classFolder(List<ImageFile> files, int split, int label) {
    for (ImageFile file : files) {
      if (file.split() == split && file.label() == label) {
        return new Path(file.path()).getParent().toString();
      }
    }
    throw new IllegalStateException("no file of class " + label + " in split " + split);
  }

  private static ImageSet imageSet(List<List<byte[]>> perClass, DataSettings settings) {
    int count = perClass.stream().mapToInt(List::size).sum();
    int size = settings.channels() * settings.height() * settings.width();
    byte[] pixels = new byte[count * size];
    int[] labels = new int[count];
    int i = 0;
    for (int label = 0; label < perClass.size(); label++) {
      for (byte[] image : perClass.get(label)) {
        System.arraycopy(image, 0, pixels, i * size, size);
        labels[i++] = label;
      }
    }
    return new ImageSet(count, settings.channels(), settings.height(), settings.width(), pixels,
        labels);
  }

  private static void warnFew(List<String> warnings, String name, String split, int count, int min) {
    if (count < min) {
      warnings.add("class " + name + " has " + count + " " + split + " image"
          + (count == 1 ? "" : "s") + ", fewer than gapsweep.data.directory.min-images-per-class = "
          + min);
    }
  }

}
