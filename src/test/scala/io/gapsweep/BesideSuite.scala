package io.gapsweep

import java.util.concurrent.{CountDownLatch, TimeUnit}
import java.util.concurrent.atomic.AtomicBoolean
import org.scalatest.funsuite.AnyFunSuite

class BesideSuite extends AnyFunSuite {

  test("both run at once, and run returns after both ended") {
    val sideStarted = new CountDownLatch(1)
    val sideEnded = new AtomicBoolean(false)
    Beside.run("side", () => { sideStarted.countDown(); Thread.sleep(50); sideEnded.set(true) },
      // main waits for side to have started: they run at the same time, not one after the other.
      () => assert(sideStarted.await(10, TimeUnit.SECONDS)))
    assert(sideEnded.get())
  }

  test("a failure on the side is thrown here once main has ended; main's failure comes first") {
    val mainEnded = new AtomicBoolean(false)
    val side = intercept[IllegalStateException] {
      Beside.run("side", () => throw new IllegalStateException("side"), () => mainEnded.set(true))
    }
    assert(side.getMessage == "side" && mainEnded.get())
    val main = intercept[IllegalArgumentException] {
      Beside.run("side", () => throw new IllegalStateException("side"),
        () => throw new IllegalArgumentException("main"))
    }
    assert(main.getMessage == "main")
  }
}
