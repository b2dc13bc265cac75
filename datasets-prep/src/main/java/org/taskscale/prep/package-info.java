/**
 * The prep job: photo collections to deterministic, pre-batched training files with a manifest and the list of
 * rejected photos. Uses the model core and {@code spark}; no other job uses it.
 */
package org.taskscale.prep;
