/**
 * The command line: one picocli command per job with one shared preamble (flags to keys, load, show, validate,
 * run), the quickstart, and exit codes. The only package that may use every job and the benchmarks.
 */
package org.taskscale.cli;
