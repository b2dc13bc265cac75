/**
 * One class per task (rescale, sr, sr-upsampled, jpeg, colorize, color-embed), registered in {@code Tasks}: how an
 * example is made from a clean photo, the baseline, the shave, the scales, the outputs and their loss, the
 * inference modes; and the evaluation protocol that scores them. Uses {@code config}, {@code image},
 * {@code degrade}, {@code data}, {@code layers} and {@code tiles}.
 */
package org.taskscale.tasks;
