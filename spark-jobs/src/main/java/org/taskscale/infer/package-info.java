/**
 * Inference over files: models on photos of any size, in this process or as a Spark job, written by rename with a
 * rejects list. Uses the model core and {@code spark}; no other job.
 */
package org.taskscale.infer;
