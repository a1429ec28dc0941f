package io.syncline.host.android;

import android.app.job.JobInfo;
import android.app.job.JobParameters;
import android.content.ClipData;
import android.net.Network;
import android.net.Uri;
import android.os.Bundle;
import android.os.IBinder;
import android.os.Looper;
import android.os.PersistableBundle;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import org.robolectric.Robolectric;
import org.robolectric.Shadows;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowJobService;
import org.robolectric.util.ReflectionHelpers;
import org.robolectric.util.ReflectionHelpers.ClassParameter;

/** Plays the system's part: starts and stops jobs as JobScheduler would. */
final class Jobs {
  private Jobs() {}

  /** An executor that runs what it is given when the test says, like a background thread. */
  static final class QueueExecutor implements Executor {
    private final Deque<Runnable> queue = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      queue.add(r);
    }

    /** Runs everything queued, including what running queues; returns how many ran. */
    int runAll() {
      int n = 0;
      for (Runnable r; (r = queue.poll()) != null; n++) {
        r.run();
      }
      return n;
    }

    int pending() {
      return queue.size();
    }
  }

  /** A started job: its service and its parameters. */
  record Started(SyncJobService service, JobParameters params, boolean goesOn) {
    boolean finished() {
      return shadow().getIsJobFinished();
    }

    boolean wantsReschedule() {
      return shadow().getIsRescheduleNeeded();
    }

    private ShadowJobService shadow() {
      return Shadow.extract(service);
    }

    /** The system ends the job's window; returns what onStopJob returned. */
    boolean stop() {
      return service.onStopJob(params);
    }
  }

  /** Starts {@code job} in a fresh service, on the main thread, as the system does. */
  static Started start(JobInfo job) {
    SyncJobService service = Robolectric.setupService(SyncJobService.class);
    JobParameters params = params(job);
    return new Started(service, params, service.onStartJob(params));
  }

  /** The parameters the system hands a job's service (their constructor is hidden). */
  static JobParameters params(JobInfo job) {
    return ReflectionHelpers.callConstructor(
        JobParameters.class,
        ClassParameter.from(IBinder.class, null),
        ClassParameter.from(String.class, null),
        ClassParameter.from(int.class, job.getId()),
        ClassParameter.from(PersistableBundle.class, job.getExtras()),
        ClassParameter.from(Bundle.class, job.getTransientExtras()),
        ClassParameter.from(ClipData.class, null),
        ClassParameter.from(int.class, 0),
        ClassParameter.from(boolean.class, false),
        ClassParameter.from(boolean.class, job.isExpedited()),
        ClassParameter.from(boolean.class, false),
        ClassParameter.from(Uri[].class, null),
        ClassParameter.from(String[].class, null),
        ClassParameter.from(Network.class, null));
  }

  /** The job's network type (deprecated for newer ways to say more; this is what we set). */
  @SuppressWarnings("deprecation")
  static int networkType(JobInfo job) {
    return job.getNetworkType();
  }

  /** Delivers what is posted to the main thread (broadcasts, callbacks). */
  static void idleMain() {
    Shadows.shadowOf(Looper.getMainLooper()).idle();
  }
}
