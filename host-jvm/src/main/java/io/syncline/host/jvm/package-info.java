/**
 * The JVM host for desktops and servers: {@link io.syncline.host.jvm.ExecutorSyncScheduler} runs
 * the engine's background work on a {@code ScheduledExecutorService} under its constraints, fed by
 * a {@link io.syncline.host.jvm.ConditionsMonitor} (the system's network and power, or conditions
 * the host sets itself).
 */
package io.syncline.host.jvm;
