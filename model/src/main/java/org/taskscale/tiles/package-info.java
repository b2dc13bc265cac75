/**
 * Tiled execution of a DL4J graph with exact results: the receptive field of a graph, sub-graphs cut out of a
 * trained one, and 8-bit rasters built tile by tile. Knows nothing of tasks; uses {@code data}, {@code image} and
 * {@code layers}.
 */
package org.taskscale.tiles;
