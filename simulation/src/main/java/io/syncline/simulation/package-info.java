/**
 * Deterministic simulation testing for Syncline: replicas on memory stores, a simulated network
 * that drops, loses, duplicates, delays and reorders messages and partitions links, a skewed clock
 * per replica, random workloads and random crash-restarts, all driven by one seed and checked
 * against the sync invariants. {@link io.syncline.simulation.Simulation} runs one seed; {@link
 * io.syncline.simulation.SimulationMain} runs campaigns and replays seeds.
 */
package io.syncline.simulation;
