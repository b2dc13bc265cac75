/**
 * The architectures, one class each, registered by name in {@link org.taskscale.models.ModelRegistry}, their {@code
 * taskscale.model} configuration, initialisation and updaters. Uses {@code config}, {@code layers} and {@code
 * tasks}.
 */
package org.taskscale.models;
