/**
 * The Android host: {@link io.syncline.host.android.JobSchedulerSyncScheduler} runs the engine's
 * background work as persisted JobScheduler jobs in {@link
 * io.syncline.host.android.SyncJobService}, and {@link io.syncline.host.android.AndroidConditions}
 * reports the device's network, charging, battery and idleness.
 *
 * <p>Every parameter and return value is non-null unless its documentation says otherwise.
 */
package io.syncline.host.android;
