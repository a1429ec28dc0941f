package io.syncline.testkit;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** External programs that tests and harnesses run, such as {@code node} and {@code npm}. */
public final class Commands {
  private Commands() {}

  /**
   * Whether {@code command} is on the PATH and works: {@code command --version} exits with 0 within
   * 60 seconds.
   */
  public static boolean available(String command) {
    try {
      // Its output is thrown away, not read: reading it to the end would wait for a program that
      // hangs with its output open, past the time limit.
      Process p =
          new ProcessBuilder(command, "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
