package io.syncline.server;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * The sync server's command line. Runs until the process is told to stop (Ctrl-C, SIGTERM), then
 * shuts down gracefully. Bad input gets one line on standard error and exit status 2; a failure to
 * start (database unreachable, port in use) one line and status 1.
 */
public final class SyncServerMain {
  private SyncServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    SyncServer server = startOrExit(args, System.out, System.err);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "syncline-shutdown"));
    stopped.await();
  }

  static SyncServer startOrExit(String[] args, PrintStream out, PrintStream err) {
    ServerOptions options;
    try {
      options = ServerOptions.parse(args, System::getenv);
    } catch (ServerOptions.UsageException e) {
      err.println("sync-server: " + e.getMessage());
      System.exit(2);
      return null;
    }
    if (options == null) {
      out.println(ServerOptions.USAGE);
      System.exit(0);
      return null;
    }
    try {
      return SyncServer.start(options, new Log(out));
    } catch (SyncServer.StartupException e) {
      err.println("sync-server: " + e.getMessage());
      System.exit(e.badInput() ? 2 : 1);
      return null;
    }
  }
}
