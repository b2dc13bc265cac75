/**
 * The evaluation job: checkpoints x datasets x scales or qualities, whole images with the standard protocol, on
 * Spark or in one process; eval.json, eval.csv and the HTML report. Uses the model core and {@code spark}; no other
 * job.
 */
package org.taskscale.eval;
