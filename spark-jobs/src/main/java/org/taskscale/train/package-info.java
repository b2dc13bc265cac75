/**
 * The training job: a prep output and a registered model in, a crash-consistent run directory out (checkpoints,
 * metrics, the best model), resumed from its newest checkpoint; parameter averaging on Spark or one process behind
 * the {@link org.taskscale.train.Trainer} interface. Uses the model core and no other job.
 */
package org.taskscale.train;
