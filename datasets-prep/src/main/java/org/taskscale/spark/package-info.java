/**
 * The Spark plumbing every job shares: making the context, shipping the Hadoop configuration to executors, listing
 * photos, progress lines, Kryo registration, executor-loss reports, peak memory, and binding each task that runs a
 * network to the GPU Spark gave it ({@link org.taskscale.spark.Devices}). Uses {@code config} and {@code layers}
 * (which ND4J backend runs).
 */
package org.taskscale.spark;
