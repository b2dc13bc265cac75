/**
 * Configuration: loading the HOCON files, overrides and defaults, validation that names the key, and the two
 * exceptions that are the user's to fix (a bad key or value, a bad argument). Uses nothing else of taskscale.
 */
package org.taskscale.config;
