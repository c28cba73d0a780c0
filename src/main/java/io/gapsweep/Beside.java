package io.gapsweep;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Two pieces of driver work at once. A query over a few rows costs what the driver spends
 * analysing, optimising and planning it, on one thread; with two independent ones, the second
 * core would otherwise wait.
 */
public final class Beside {

  private Beside() {}

  /**
   * Runs {@code side} on a new thread named {@code name} while {@code main} runs on this one, and
   * returns when both have ended; a failure of either is thrown (main's first), after both ended.
   */
  public static void run(String name, Runnable side, Runnable main) {
    AtomicReference<Throwable> sideFailure = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      try {
        side.run();
      } catch (RuntimeException | Error e) {
        sideFailure.set(e);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    try {
      main.run();
    } finally {
      boolean interrupted = false;
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (sideFailure.get() instanceof Error e) {
      throw e;
    }
    if (sideFailure.get() instanceof RuntimeException e) {
      throw e;
    }
  }
}
