package io.gapsweep.testing

import java.nio.file.{Files, Path, Paths}
import scala.jdk.CollectionConverters._
import scala.util.Try

/** The TCP addresses a process listens on, read from /proc as netstat does (Linux only). */
object ListeningSockets {

  /** "address:port" of every listening TCP socket the process holds, IPv4 and IPv6. */
  def of(pid: Long): Set[String] = {
    val fds = Paths.get(s"/proc/$pid/fd")
    val inodes = Try(Files.list(fds).iterator().asScala.toList).getOrElse(Nil)
      .flatMap(fd => Try(Files.readSymbolicLink(fd).toString).toOption)
      .collect { case s if s.startsWith("socket:[") => s.stripPrefix("socket:[").stripSuffix("]") }
      .toSet
    Seq("tcp", "tcp6").flatMap(table => listening(Paths.get(s"/proc/$pid/net/$table")))
      .collect { case (address, inode) if inodes.contains(inode) => address }
      .toSet
  }

  /** (address, inode) of the LISTEN rows (state 0A) of a /proc/net/tcp table. */
  private def listening(table: Path): Seq[(String, String)] =
    Try(Files.readAllLines(table).asScala.drop(1).toSeq).getOrElse(Nil).map(_.trim.split("\\s+"))
      .collect { case f if f.length > 9 && f(3) == "0A" => (decode(f(1)), f(9)) }

  /**
   * "0100007F:1F90" → "127.0.0.1:8080"; an IPv4-mapped IPv6 address (::ffff:a.b.c.d, how Java
   * binds an IPv4 address on a dual-stack socket) as its IPv4 address; other IPv6 addresses stay
   * in /proc's hex.
   */
  private def decode(hex: String): String = {
    val Array(address, port) = hex.split(":")
    def v4(word: String) = word.grouped(2).toSeq.reverse.map(Integer.parseInt(_, 16)).mkString(".")
    val host =
      if (address.length == 8) v4(address)
      else if (address.startsWith("0000000000000000FFFF0000")) v4(address.substring(24))
      else address
    s"$host:${Integer.parseInt(port, 16)}"
  }
}
