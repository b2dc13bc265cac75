/**
 * Degradations, one small class each: what turns a clean photo into a task's input (bicubic downscaling, JPEG
 * compression) and prep's random changes of a photo (rescale, colour cast, channel shuffle, quality draw). Uses
 * only {@code org.taskscale.image}.
 */
package org.taskscale.degrade;
