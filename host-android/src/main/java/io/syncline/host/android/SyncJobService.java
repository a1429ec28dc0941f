package io.syncline.host.android;

import android.app.Application;
import android.app.job.JobParameters;
import android.app.job.JobService;

/**
 * The {@link JobService} that runs Syncline's background jobs. The app declares it in its manifest,
 * protected by {@code android.permission.BIND_JOB_SERVICE}:
 *
 * <pre>{@code
 * <uses-permission android:name="android.permission.RECEIVE_BOOT_COMPLETED" />
 * <service
 *     android:name="io.syncline.host.android.SyncJobService"
 *     android:permission="android.permission.BIND_JOB_SERVICE"
 *     android:exported="false" />
 * }</pre>
 *
 * <p>The system creates this service, possibly in a process that has just started (after a reboot
 * or process death), so it finds its {@link JobSchedulerSyncScheduler} through the application,
 * which implements {@link Host}; an app that cannot do that subclasses this service, overrides
 * {@link #scheduler()}, declares the subclass instead and names it to {@link
 * JobSchedulerSyncScheduler.Builder#jobService}.
 *
 * <p>{@link #onStartJob} and {@link #onStopJob} run on the main thread and return at once; the run
 * itself happens on the scheduler's executor, which calls {@link #jobFinished} when it ends.
 */
public class SyncJobService extends JobService {
  /**
   * Implemented by an app's {@link Application} to hand its scheduler to jobs, as WorkManager's
   * {@code Configuration.Provider} does.
   */
  public interface Host {
    /**
     * The app's scheduler, the same instance every time, with the work of every engine that syncs
     * in the background registered: build the engines and call {@code enableBackgroundSync()} in
     * {@code Application.onCreate}, or here on first use. Called on the main thread.
     */
    JobSchedulerSyncScheduler syncScheduler();
  }

  /** A service for the system to create. */
  public SyncJobService() {}

  /**
   * The scheduler whose work this service runs. By default, the application's, which must implement
   * {@link Host}.
   *
   * @throws IllegalStateException if the application does not implement {@link Host}
   */
  protected JobSchedulerSyncScheduler scheduler() {
    Application app = getApplication();
    if (app instanceof Host) {
      return ((Host) app).syncScheduler();
    }
    throw new IllegalStateException(
        "application "
            + (app == null ? "null" : app.getClass().getName())
            + " does not implement SyncJobService.Host");
  }

  /** Starts the job's run on the scheduler's executor; false when no work is registered for it. */
  @Override
  public final boolean onStartJob(JobParameters params) {
    return scheduler().startJob(this, params);
  }

  /**
   * The system ends the job's window (a constraint no longer holds, or time is up); returns whether
   * the job should run again, true while its run had not finished. The run itself stops at its
   * deadline, keeping every finished batch.
   */
  @Override
  public final boolean onStopJob(JobParameters params) {
    return scheduler().stopJob(params);
  }
}
