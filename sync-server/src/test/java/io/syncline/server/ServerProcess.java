package io.syncline.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sync server in a process of its own, started from the test class path. */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("event=listening http=(\\S+) grpc=(\\S+) admin=(\\S+)");

  final Process process;
  final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
  final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<Thread> pumps = new ArrayList<>();
  URI http;
  String grpc;
  URI admin;

  private ServerProcess(Process process) {
    this.process = process;
    pump(process.getInputStream(), stdout, true);
    pump(process.getErrorStream(), stderr, false);
  }

  static ServerProcess launch(String... args) throws IOException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SyncServerMain.class.getName());
    List<String> given = Arrays.asList(args);
    cmd.addAll(given);
    if (!given.contains("--grpc-port") && !given.contains("--help")) {
      // Never the default 9090: tests run side by side.
      cmd.add("--grpc-port");
      cmd.add("0");
    }
    return new ServerProcess(new ProcessBuilder(cmd).start());
  }

  /** Waits (bounded) for the line that says where the server listens. */
  ServerProcess awaitListening() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          http = m.group(1).equals("none") ? null : URI.create(m.group(1));
          grpc = m.group(2).equals("none") ? null : m.group(2);
          admin = m.group(3).equals("none") ? null : URI.create(m.group(3));
          return this;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "server exited " + process.exitValue() + ": " + stderr + " " + stdout);
      }
    }
    throw new IllegalStateException("server did not start within 60 s: " + stdout);
  }

  /** Waits (bounded) for the process to end and returns its exit status. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("server did not exit within 60 s");
    }
    for (Thread t : pumps) {
      t.join(10_000); // the streams end with the process; bounded all the same
    }
    return process.exitValue();
  }

  private void pump(java.io.InputStream in, List<String> sink, boolean queue) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  sink.add(line);
                  if (queue) {
                    lines.add(line);
                  }
                }
              } catch (IOException ignored) {
                // the process ended
              }
            });
    t.setDaemon(true);
    pumps.add(t);
    t.start();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
