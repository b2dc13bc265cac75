/**
 * Benchmarks and drills, off the product's paths: throughput beside the PyTorch and PIL peers (their scripts are in
 * this package's resources), parameter averaging, CAR's resampler, and the fault-injection drill. May use every
 * job.
 */
package org.taskscale.bench;
