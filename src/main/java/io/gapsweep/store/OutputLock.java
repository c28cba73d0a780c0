package io.gapsweep.store;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gapsweep.UserError;
import io.gapsweep.train.ExecutorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps two {@code gapsweep run}s out of one output folder.
 *
 * <p>{@code <output>/run.lock} names the holder (host, process id and start time) and is created
 * exclusively (O_EXCL on a local disk, HDFS's create without overwrite). While the run lasts, a
 * daemon thread touches it every {@link #HEARTBEAT}. A lock whose holder is gone is released by
 * the next run without anyone's help: on the same host as soon as its process no longer exists
 * (however recent its heartbeat), on another host {@link #STALE} after its last heartbeat.
 * Deleting the file by hand releases it too.
 */
public final class OutputLock implements AutoCloseable {

  /** The lock file's name under the output. */
  public static final String NAME = "run.lock";

  static final Duration HEARTBEAT = Duration.ofSeconds(20);
  static final Duration STALE = Duration.ofMinutes(2);

  private static final JsonMapper JSON = new JsonMapper();
  private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);

  /** Lock files this JVM holds: the one case where a live process id is not proof of a holder. */
  private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

  /** Who holds a lock; the file's content. */
  record Holder(String host, long pid, String processStart, String since, String token) {

    static Holder self() {
      ProcessHandle me = ProcessHandle.current();
      return new Holder(ExecutorInfo.localHostName(), me.pid(), startOf(me).orElse(""),
          Instant.now().toString(), UUID.randomUUID().toString());
    }

    boolean isOnThisHost() {
      return host.equals(ExecutorInfo.localHostName());
    }

    /** For a holder on this host: true when its process no longer exists. */
    boolean isGone(Path lock) {
      if (pid == ProcessHandle.current().pid()) {
        return !HELD.contains(lock.toString());
      }
      // A recycled pid belongs to a process that started at another time.
      return ProcessHandle.of(pid)
          .map(p -> processStart.isEmpty() || !processStart.equals(startOf(p).orElse("")))
          .orElse(true);
    }
  }

  private final FileSystem fs;
  private final Path path;
  private final Holder self;
  private final ScheduledExecutorService heartbeat;

  private OutputLock(FileSystem fs, Path path, Holder self) {
    this.fs = fs;
    this.path = path;
    this.self = self;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "gapsweep-lock-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    heartbeat.scheduleAtFixedRate(
        this::touch, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Takes the lock of the output folder {@code root}, which must exist.
   *
   * @throws UserError when another live run holds it
   */
  static OutputLock acquire(FileSystem fs, Path root, String output) throws IOException {
    Path path = new Path(root, NAME);
    Holder self = Holder.self();
    byte[] content = JSON.writeValueAsBytes(self);
    for (int attempt = 0; attempt < 3; attempt++) {
      if (createExclusively(fs, path, content)) {
        HELD.add(path.toString());
        return new OutputLock(fs, path, self);
      }
      Optional<Holder> holder;
      try {
        holder = read(fs, path);
      } catch (Unreadable e) {
        throw unreadable(fs, path, output, e.getMessage());
      }
      if (holder.isEmpty()) {
        continue; // released between our create and our read
      }
      Duration silent = Duration.ofMillis(
          Math.max(0, System.currentTimeMillis() - fs.getFileStatus(path).getModificationTime()));
      Holder other = holder.get();
      // On this host the process table is the truth; elsewhere only the heartbeat can tell.
      boolean gone = other.isOnThisHost() ? other.isGone(path) : silent.compareTo(STALE) >= 0;
      if (!gone) {
        throw new UserError(String.format(
            "Cannot run in %s: another gapsweep run is using it (process %d on %s, since %s, last"
                + " seen %d s ago). Wait for it to end, or use another --output. A crashed run's"
                + " lock is released automatically once its process is gone (same host) or %d"
                + " minutes after it was last seen; deleting %s releases it by hand.",
            output, other.pid(), other.host(), other.since(), silent.toSeconds(),
            STALE.toMinutes(), path));
      }
      LOG.warn("Releasing the lock of a run that is gone: process {} on {}, since {} ({})",
          other.pid(), other.host(), other.since(),
          other.isOnThisHost() ? "process no longer exists" : "last seen " + silent.toSeconds() + " s ago");
      fs.delete(path, false);
    }
    throw new UserError("Cannot run in " + output + ": could not take its lock " + path
        + " (other runs keep taking it)");
  }

  /**
   * A lock file whose content names no holder. Empty and younger than a heartbeat, it is another
   * run's that is being written this very moment; otherwise no run can ever release it (a crash
   * while it was written, or someone else's file), so waiting would be in vain: say so at once.
   */
  private static UserError unreadable(FileSystem fs, Path path, String output, String why)
      throws IOException {
    org.apache.hadoop.fs.FileStatus status = fs.getFileStatus(path);
    long age = System.currentTimeMillis() - status.getModificationTime();
    if (status.getLen() == 0 && age < HEARTBEAT.toMillis()) {
      return new UserError("Cannot run in " + output + ": another gapsweep run is taking its lock "
          + path + " right now. Wait for it to end, or use another --output.");
    }
    return new UserError("Cannot run in " + output + ": its lock " + path + " is unreadable ("
        + why + "), so it names no run that could release it. If no gapsweep run is using "
        + output + ", delete " + path + " and run again.");
  }

  /** The lock file exists but holds no gapsweep holder. */
  private static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    HELD.remove(path.toString());
    try {
      // Only our own lock: after a long pause another run may have taken it over as stale.
      if (read(fs, path).map(h -> h.token().equals(self.token())).orElse(false)) {
        fs.delete(path, false);
      }
    } catch (Unreadable e) {
      LOG.warn("Not releasing the lock {}: it is no longer ours ({})", path, e.getMessage());
    } catch (IOException e) {
      LOG.warn("Could not release the lock {}: {}", path, e.getMessage());
    }
  }

  private void touch() {
    try {
      fs.setTimes(path, System.currentTimeMillis(), -1);
    } catch (IOException | UnsupportedOperationException e) {
      // Object stores have no setTimes; rewriting the file refreshes its time there.
      try (OutputStream out = fs.create(path, true)) {
        out.write(JSON.writeValueAsBytes(self));
      } catch (IOException again) {
        LOG.warn("Could not refresh the lock {}: {}", path, again.getMessage());
      }
    }
  }

  private static boolean createExclusively(FileSystem fs, Path path, byte[] content)
      throws IOException {
    try {
      if (fs instanceof LocalFileSystem local) {
        // Hadoop's local create checks and creates in two steps; O_EXCL is one.
        Files.write(local.pathToFile(path).toPath(), content, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
      } else {
        try (OutputStream out = fs.create(path, false)) {
          out.write(content);
        }
      }
      return true;
    } catch (java.nio.file.FileAlreadyExistsException
        | org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static Optional<Holder> read(FileSystem fs, Path path) throws IOException, Unreadable {
    byte[] bytes;
    try (InputStream in = fs.open(path)) {
      bytes = in.readAllBytes();
    } catch (java.io.FileNotFoundException e) {
      return Optional.empty();
    }
    if (bytes.length == 0) {
      throw new Unreadable("it is empty");
    }
    Holder holder;
    try {
      holder = JSON.readValue(bytes, Holder.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Unreadable("not a gapsweep lock: " + bytes.length + " bytes that are not its JSON");
    }
    if (holder == null || holder.host() == null || holder.pid() <= 0 || holder.token() == null
        || holder.since() == null || holder.processStart() == null) {
      throw new Unreadable("not a gapsweep lock: it lacks the host, process or token of a run");
    }
    return Optional.of(holder);
  }

  private static Optional<String> startOf(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toString);
  }
}
