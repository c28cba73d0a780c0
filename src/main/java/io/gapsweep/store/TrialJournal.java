package io.gapsweep.store;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.gapsweep.config.Params;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gapsweep.Faults;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of a sweep: one file per finished trial, written the moment the trial's
 * result reaches the driver.
 *
 * <p>{@code <output>/journal/<trial_id>.json} holds the whole {@link TrialResult} (spec, status,
 * curve); {@code <trial_id>.model.zip} its early-stopped model, when models are kept. Each file is
 * written under {@code journal/_staging/} and then renamed into place, and the record is renamed
 * last: a file under its final name is always complete, on a local disk (rename is atomic) as on
 * HDFS; on object stores a single PUT is atomic too. A record is therefore the commit of its trial:
 * a crash loses only the trials whose record is not there yet, and they simply run again.
 * Committing a trial again (a retried failure) replaces its record. The {@code trials} and
 * {@code curves} tables are derived from the journal ({@link SweepOutput#compact}).
 */
public final class TrialJournal {

  /** Folder of the journal under the output. */
  public static final String FOLDER = "journal";

  private static final String RECORD = ".json";
  private static final String MODEL = ".model.zip";
  private static final String STAGING = "_staging";
  private static final int FORMAT = 1;

  // NaN and infinite losses are data here (a diverged trial), so they must round-trip. Only
  // record components are stored (not derived isX() methods), and fields a newer version adds
  // are skipped rather than fatal.
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .addModule(paramsAsObject())
          .build();

  private static final Logger LOG = LoggerFactory.getLogger(TrialJournal.class);

  /** A trial's axis values as a plain JSON object, {@code {"depth": 2, "dropout": 0.25, ...}}. */
  private static SimpleModule paramsAsObject() {
    SimpleModule module = new SimpleModule("gapsweep-params");
    module.addSerializer(Params.class, new StdSerializer<>(Params.class) {
      @Override
      public void serialize(Params params, JsonGenerator out, SerializerProvider provider)
          throws IOException {
        provider.defaultSerializeValue(params.asMap(), out);
      }
    });
    module.addDeserializer(Params.class, new StdDeserializer<>(Params.class) {
      @Override
      public Params deserialize(JsonParser in, DeserializationContext context) throws IOException {
        return Params.of(in.readValueAs(new TypeReference<Map<String, Object>>() {}));
      }
    });
    return module;
  }

  /** What one record file holds: the result plus when it was committed. */
  record Entry(int format, String committedAt, TrialResult result) {}

  private final FileSystem fs;
  private final Path folder;
  private final boolean keepModels;

  TrialJournal(FileSystem fs, Path outputRoot, boolean keepModels) {
    this.fs = fs;
    this.folder = new Path(outputRoot, FOLDER);
    this.keepModels = keepModels;
  }

  /** Makes one finished trial durable; returns only once its record is in place. */
  public void commit(TrialOutput output) {
    String id = output.result().spec().trialId();
    try {
      if (keepModels && output.bestModel() != null) {
        writeAtomically(new Path(folder, id + MODEL), output.bestModel());
      }
      writeAtomically(
          new Path(folder, id + RECORD),
          JSON.writeValueAsBytes(new Entry(FORMAT, Instant.now().toString(), output.result())));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot commit trial " + id + " to " + folder + ": " + e.getMessage(), e);
    }
    Faults.driverReached("committed");
  }

  /**
   * Every committed trial by id. A record that cannot be parsed (edited by hand, or written by a
   * newer gapsweep) is skipped with a warning, so its trial runs again.
   */
  public Map<String, TrialResult> read() {
    Map<String, TrialResult> results = new HashMap<>();
    try {
      if (!fs.exists(folder)) {
        return results;
      }
      for (FileStatus file : fs.listStatus(folder)) {
        String name = file.getPath().getName();
        if (!file.isFile() || !name.endsWith(RECORD)) {
          continue;
        }
        try (InputStream in = fs.open(file.getPath())) {
          Entry entry = JSON.readValue(in, Entry.class);
          if (entry.format() != FORMAT || entry.result() == null) {
            throw new IOException("unknown record format " + entry.format());
          }
          results.put(entry.result().spec().trialId(), entry.result());
        } catch (JsonProcessingException e) {
          LOG.warn("Ignoring unreadable trial record {}: {}", file.getPath(), e.getOriginalMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the journal " + folder + ": " + e.getMessage(), e);
    }
    return results;
  }

  /** The model zip a trial committed, if it kept one. */
  public Optional<byte[]> model(String trialId) {
    Path file = new Path(folder, trialId + MODEL);
    try {
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(file)) {
        return Optional.of(in.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read model " + file + ": " + e.getMessage(), e);
    }
  }

  /** Removes what crashed commits left half-written; they never count as committed. */
  void clearStaging() throws IOException {
    fs.delete(new Path(folder, STAGING), true);
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path staged = new Path(new Path(folder, STAGING), target.getName() + "." + UUID.randomUUID());
    try (FSDataOutputStream out = fs.create(staged, false)) {
      out.write(bytes);
      out.hsync();
    }
    if (target.getName().endsWith(RECORD)) {
      Faults.driverReached("staged");
    }
    // A retried trial's record replaces the old one.
    OutputFolder.moveIntoPlace(fs, staged, target);
  }
}
