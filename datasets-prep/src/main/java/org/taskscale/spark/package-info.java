/**
 * The Spark plumbing every job shares: making the context, shipping the Hadoop configuration to executors, listing
 * photos, progress lines, Kryo registration, executor-loss reports and peak memory. Uses {@code config} only.
 */
package org.taskscale.spark;
