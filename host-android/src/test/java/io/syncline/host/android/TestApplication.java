package io.syncline.host.android;

import android.app.Application;

/** The app under test: hands its jobs the scheduler a test installs. */
public final class TestApplication extends Application implements SyncJobService.Host {
  private JobSchedulerSyncScheduler scheduler;

  void install(JobSchedulerSyncScheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public JobSchedulerSyncScheduler syncScheduler() {
    if (scheduler == null) {
      throw new IllegalStateException("no scheduler installed");
    }
    return scheduler;
  }
}
