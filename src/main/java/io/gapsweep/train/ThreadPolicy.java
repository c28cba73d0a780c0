package io.gapsweep.train;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Objects;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspaceManager;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Gives the calling thread a fixed number of native compute threads.
 *
 * <p>libnd4j and OpenBLAS size their pools from {@code OMP_NUM_THREADS} when the JVM starts (the
 * launchers export it), but Spark reuses task threads and ND4J M2 gives the thread that initialises
 * it 4 threads whatever the setting (bug #9668), so each trial sets its own thread again.
 */
public final class ThreadPolicy {

  /** The variable OpenMP (libgomp) and OpenBLAS size their pools from when they load. */
  static final String OMP_NUM_THREADS = "OMP_NUM_THREADS";

  /** The C library's environment functions, through JNA. */
  interface CLibrary extends Library {
    int setenv(String name, String value, int overwrite);

    String getenv(String name);
  }

  private ThreadPolicy() {}

  /**
   * Sets {@code OMP_NUM_THREADS} to {@code threads} in this process's own environment, where
   * libgomp and OpenBLAS read it when ND4J loads them, so that a JVM sets it for itself instead of
   * needing a launcher that knows the count before the JVM starts. Java's {@link System#getenv}
   * keeps the value the JVM started with; only native code sees the change. Call before anything
   * loads ND4J; afterwards the libraries have read the variable and this does nothing.
   *
   * @return whether the native environment now holds {@code threads}: false when ND4J had already
   *     loaded (a test, a notebook) or the C library could not be reached
   */
  public static synchronized boolean exportBeforeLoad(int threads) {
    String value = String.valueOf(threads);
    if (nd4jLoaded()) {
      return false;
    }
    // Java's view is the native one until this class changes the latter.
    if (value.equals(exported != null ? exported : System.getenv(OMP_NUM_THREADS))) {
      return true;
    }
    try {
      CLibrary libc = Native.loadLibrary("c", CLibrary.class);
      if (libc.setenv(OMP_NUM_THREADS, value, 1) != 0
          || !Objects.equals(libc.getenv(OMP_NUM_THREADS), value)) {
        return false;
      }
      exported = value;
      return true;
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  // The value exportBeforeLoad last set in the native environment; null before it first does.
  private static String exported;

  /** Whether JavaCPP has loaded libnd4j's JNI library into this process. */
  static boolean nd4jLoaded() {
    return Loader.getLoadedLibraries().keySet().stream().anyMatch(name -> name.contains("nd4j"));
  }

  /** Applies {@code threads} to the calling thread and returns what ND4J then reports. */
  public static int applyToCurrentThread(int threads) {
    // The first trial of a JVM may be what loads ND4J: pick the native build before it does.
    NativeBackend.choose();
    // NativeOpsHolder reads properties that only loading the ND4J backend sets.
    Nd4j.getExecutioner();
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
  }

  /**
   * Frees the ND4J workspaces of the calling thread, which outlive a trial on a reused thread.
   *
   * <p>Not {@code destroyAllWorkspacesForCurrentThread}: after freeing them it calls
   * {@code System.gc()}, a full stop-the-world collection of 50-70 ms here that also halts every
   * other trial of the JVM, once per trial. The workspaces' memory is freed explicitly either way.
   */
  public static void releaseWorkspaces() {
    MemoryWorkspaceManager manager = Nd4j.getWorkspaceManager();
    for (MemoryWorkspace workspace : manager.getAllWorkspacesForCurrentThread()) {
      manager.destroyWorkspace(workspace);
    }
  }
}
