package io.gapsweep.train;

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

  private ThreadPolicy() {}

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
