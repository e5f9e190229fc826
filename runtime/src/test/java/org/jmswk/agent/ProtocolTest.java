package org.jmswk.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames, messages, the job secret and the HMAC proofs, without processes. */
class ProtocolTest {
  @TempDir Path tmp;

  @Test
  void messagesRoundTrip() throws Exception {
    Message m = Message.of(Message.Type.LAUNCH, "task", "t1", "n", 42L, "bytes", new byte[] {1, 2, 3},
        "argv", List.of("a b", "ü", ""), "env", Map.of("K", "v=1"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameIO.write(out, m, 4096);
    Message back = FrameIO.read(new ByteArrayInputStream(out.toByteArray()), 4096);
    assertEquals(Message.Type.LAUNCH, back.type());
    assertEquals("t1", back.string("task"));
    assertEquals(42L, back.number("n"));
    assertArrayEquals(new byte[] {1, 2, 3}, back.bytes("bytes"));
    assertEquals(List.of("a b", "ü", ""), back.list("argv"));
    assertEquals(Map.of("K", "v=1"), back.map("env"));
    assertThrows(ProtocolException.class, () -> back.number("task"));
    assertThrows(ProtocolException.class, () -> back.string("absent"));
  }

  @Test
  void defectiveFramesAreRefusedWhole() throws Exception {
    byte[] good = Message.of(Message.Type.STARTED, "task", "t1", "pid", 7L).encode();
    for (int cut = 1; cut < good.length; cut++) {
      byte[] truncated = Arrays.copyOf(good, cut);
      assertThrows(ProtocolException.class, () -> Message.decode(truncated), "cut at " + cut);
    }
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertTrue(assertThrows(ProtocolException.class, () -> Message.decode(trailing)).getMessage().contains("after the last field"));
    byte[] unknownType = good.clone();
    unknownType[0] = 99;
    assertTrue(assertThrows(ProtocolException.class, () -> Message.decode(unknownType)).getMessage().contains("unknown message type"));
    // a string length far beyond the frame
    byte[] hugeLength = {7, 0, 1, 0, 1, 'x', 1, 0x7f, 0, 0, 0};
    assertTrue(assertThrows(ProtocolException.class, () -> Message.decode(hugeLength)).getMessage().contains("exceeds"));
    byte[] badUtf8 = {7, 0, 1, 0, 1, 'x', 1, 0, 0, 0, 1, (byte) 0xff};
    assertTrue(assertThrows(ProtocolException.class, () -> Message.decode(badUtf8)).getMessage().contains("UTF-8"));
    // oversized: refused from the length alone, before reading or allocating the payload
    byte[] header = {0x10, 0, 0, 0};
    var e = assertThrows(FrameIO.FrameTooLargeException.class, () -> FrameIO.read(new ByteArrayInputStream(header), 4096));
    assertEquals("frame of 268435456 bytes exceeds the maximum of 4096 bytes", e.getMessage());
    // and a sender never writes an oversized frame
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThrows(FrameIO.FrameTooLargeException.class,
        () -> FrameIO.write(out, Message.of(Message.Type.EXITED, "stdout", new byte[5000]), 4096));
    assertEquals(0, out.size());
  }

  @Test
  void secretFilesMustBePrivate() throws Exception {
    Path jobDir = Files.createDirectories(tmp.resolve("job"));
    byte[] created = JobSecret.loadOrCreate(Map.of("JMSWK_JOB_DIR", jobDir.toString()));
    Path file = jobDir.resolve(JobSecret.FILE_NAME);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(64, created.length);
    assertArrayEquals(created, JobSecret.load(Map.of("JMSWK_JOB_DIR", jobDir.toString())));
    assertArrayEquals(created, JobSecret.loadOrCreate(Map.of("JMSWK_JOB_DIR", jobDir.toString())));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    var e = assertThrows(IllegalStateException.class, () -> JobSecret.load(Map.of("JMSWK_JOB_SECRET_FILE", file.toString())));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    assertTrue(assertThrows(IllegalStateException.class, () -> JobSecret.load(Map.of())).getMessage().contains("no job secret"));
    assertTrue(assertThrows(IllegalStateException.class, () -> JobSecret.load(Map.of("JMSWK_JOB_SECRET", "short")))
        .getMessage().contains("shorter"));
  }

  @Test
  void proofsDependOnSecretSideRoleAndNonces() {
    byte[] k = "0123456789abcdef0123".getBytes();
    byte[] n1 = new byte[32];
    byte[] n2 = new byte[32];
    n2[0] = 1;
    byte[] base = Handshake.mac(k, "client", "agent", n1, n2);
    assertArrayEquals(base, Handshake.mac(k, "client", "agent", n1, n2));
    assertTrue(!Arrays.equals(base, Handshake.mac("0123456789abcdef0124".getBytes(), "client", "agent", n1, n2)));
    assertTrue(!Arrays.equals(base, Handshake.mac(k, "server", "agent", n1, n2)));
    assertTrue(!Arrays.equals(base, Handshake.mac(k, "client", "aexe", n1, n2)));
    assertTrue(!Arrays.equals(base, Handshake.mac(k, "client", "agent", n2, n1)));
  }

  @Test
  void settingsFromEnvironmentAreChecked() {
    AgentSettings s = AgentSettings.fromEnv(Map.of("JMSWK_AGENT_HEARTBEAT_MS", "100", "JMSWK_AGENT_DEAD_MS", "450"));
    assertEquals(100, s.heartbeat().toMillis());
    assertEquals(450, s.deadAfter().toMillis());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentSettings.fromEnv(Map.of("JMSWK_AGENT_DEAD_MS", "x")))
        .getMessage().contains("JMSWK_AGENT_DEAD_MS"));
    assertThrows(IllegalArgumentException.class,
        () -> AgentSettings.fromEnv(Map.of("JMSWK_AGENT_HEARTBEAT_MS", "500", "JMSWK_AGENT_DEAD_MS", "600")));
  }
}
