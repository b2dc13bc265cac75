/**
 * A trained model applied to whole images of any size: its networks cut into tiled stages once, then run as its
 * task says for each inference mode. Uses {@code io}, {@code tasks}, {@code tiles}, {@code data} and {@code image}.
 */
package org.taskscale.inference;
