/**
 * Images in network units (planes of floats) and minibatches of them in either layout, what every task's examples
 * are made of. Uses {@code image} and {@code layers} (the luma weights).
 */
package org.taskscale.data;
