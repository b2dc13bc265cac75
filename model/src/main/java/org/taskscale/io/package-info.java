/**
 * The file formats every job reads and writes (model zips, prep manifests, batch files) and how files are written
 * on any Hadoop filesystem: atomic replacement, write-once publication, and the guard that keeps outputs away from
 * inputs. Uses {@code config}, {@code models} and {@code tasks}, and Hadoop's filesystem API.
 */
package org.taskscale.io;
