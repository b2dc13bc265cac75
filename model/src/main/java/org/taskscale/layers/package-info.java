/**
 * DL4J layers and vertices that run on libnd4j's (oneDNN) ops, with exact gradients: convolutions, pixel shuffles,
 * PReLU, quantisation, fixed resizes, CAR's adaptive resampler, and the pixel losses. Their class names are part of
 * every model zip. Uses {@code image} only.
 */
package org.taskscale.layers;
