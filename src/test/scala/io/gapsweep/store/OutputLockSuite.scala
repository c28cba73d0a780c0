package io.gapsweep.store

import io.gapsweep.UserError
import io.gapsweep.testing.{SharedSparkSession, TempDirs}
import org.apache.hadoop.fs.{FileSystem, Path => HPath}
import org.scalatest.funsuite.AnyFunSuite

import java.net.InetAddress
import java.nio.file.{Files, Path}

/** Who may run in an output folder, and when a crashed run's lock stops counting. */
class OutputLockSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private def fs(dir: Path): FileSystem = OutputFolder.of(spark, dir.toString).fs()

  private def acquire(dir: Path): OutputLock = OutputLock.acquire(fs(dir), new HPath(dir.toString), dir.toString)

  private def writeLock(dir: Path, host: String, process: ProcessHandle, ageMillis: Long = 0): Path =
    writeLockOf(dir, host, process.pid(), process.info().startInstant().get().toString, ageMillis)

  private def writeLockOf(dir: Path, host: String, pid: Long, start: String, ageMillis: Long): Path = {
    val lock = Files.writeString(dir.resolve(OutputLock.NAME),
      s"""{"host":"$host","pid":$pid,"processStart":"$start",""" +
        s""""since":"2026-11-28T00:00:00Z","token":"theirs"}""")
    Files.setLastModifiedTime(lock,
      java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - ageMillis))
    lock
  }

  private val here = InetAddress.getLocalHost.getHostName

  /** A live process that is not this JVM. */
  private def withOtherProcess[T](body: ProcessHandle => T): T = {
    val sleeper = new ProcessBuilder("sleep", "300").start()
    try body(sleeper.toHandle)
    finally sleeper.destroyForcibly()
  }

  test("a second run is refused while the first holds the lock, and may run once it is released") {
    withTempDir { dir =>
      val first = acquire(dir)
      val e = intercept[UserError](acquire(dir))
      assert(e.getMessage.startsWith(s"Cannot run in $dir: another gapsweep run is using it (process " +
        s"${ProcessHandle.current().pid()} on $here, since "), e.getMessage)
      assert(e.getMessage.endsWith("Wait for it to end, or use another --output. A crashed run's lock" +
        " is released automatically once its process is gone (same host) or 2 minutes after it was" +
        s" last seen; deleting ${dir.resolve(OutputLock.NAME)}" +
        " releases it by hand."), e.getMessage)
      first.close()
      assert(!Files.exists(dir.resolve(OutputLock.NAME)))
      acquire(dir).close()
    }
  }

  test("a live process on this host holds its lock however old its heartbeat") {
    withTempDir { dir =>
      withOtherProcess { other =>
        writeLock(dir, here, other, ageMillis = 10 * 60 * 1000)
        intercept[UserError](acquire(dir))
      }
    }
  }

  test("the lock of a process that no longer exists on this host is released at once") {
    withTempDir { dir =>
      val gone = new ProcessBuilder("true").start()
      gone.waitFor()
      writeLockOf(dir, here, gone.pid(), "2026-11-28T00:00:00Z", ageMillis = 0)
      val lock = acquire(dir)
      assert(Files.readString(dir.resolve(OutputLock.NAME)).contains(s""""pid":${ProcessHandle.current().pid()}"""))
      lock.close()
    }
  }

  test("a lock from another host counts until its heartbeat is 2 minutes old") {
    withTempDir { dir =>
      withOtherProcess { other =>
        writeLock(dir, "elsewhere", other, ageMillis = 30 * 1000)
        intercept[UserError](acquire(dir))
        writeLock(dir, "elsewhere", other, ageMillis = 3 * 60 * 1000)
        acquire(dir).close()
      }
    }
  }

  test("closing a lock that another run took over leaves theirs in place") {
    withTempDir { dir =>
      val mine = acquire(dir)
      withOtherProcess { other =>
        writeLock(dir, here, other)
        mine.close()
        assert(Files.readString(dir.resolve(OutputLock.NAME)).contains("theirs"))
      }
    }
  }

  // ---- Hostile input (issue 18) ----

  private def unreadableMessage(dir: Path, why: String): String = {
    val lock = new HPath(dir.toString, OutputLock.NAME)
    s"Cannot run in $dir: its lock $lock is unreadable ($why), so it names no run that could" +
      s" release it. If no gapsweep run is using $dir, delete $lock and run again."
  }

  test("a lock overwritten with garbage is reported at once as unreadable, with how to release it") {
    withTempDir { dir =>
      val lock = Files.write(dir.resolve(OutputLock.NAME), Array[Byte](0x13, 0x37, 'x', '{', 0))
      val error = intercept[UserError](acquire(dir))
      assert(error.getMessage == unreadableMessage(dir, "not a gapsweep lock: 5 bytes that are not its JSON"))
      assert(Files.readAllBytes(lock).sameElements(Array[Byte](0x13, 0x37, 'x', '{', 0)))
    }
  }

  test("a lock of valid JSON that names no run, or an old empty one, is unreadable too") {
    withTempDir { dir =>
      Files.writeString(dir.resolve(OutputLock.NAME), """{"pid":-1}""")
      assert(intercept[UserError](acquire(dir)).getMessage ==
        unreadableMessage(dir, "not a gapsweep lock: it lacks the host, process or token of a run"))
      val empty = Files.write(dir.resolve(OutputLock.NAME), Array.emptyByteArray)
      Files.setLastModifiedTime(empty,
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60000))
      assert(intercept[UserError](acquire(dir)).getMessage == unreadableMessage(dir, "it is empty"))
    }
  }

  test("an empty lock written this moment is another run taking it") {
    withTempDir { dir =>
      Files.write(dir.resolve(OutputLock.NAME), Array.emptyByteArray)
      assert(intercept[UserError](acquire(dir)).getMessage ==
        s"Cannot run in $dir: another gapsweep run is taking its lock " +
          s"${new HPath(dir.toString, OutputLock.NAME)} right now. Wait for it to end, or use another --output.")
    }
  }
}
