/** The REST API ({@code /api/v1/migrations}, {@code /api/v1/drains}). Adapter over {@code runtime}. */
@NullMarked
package io.vgpufleet.migration.api;

import org.jspecify.annotations.NullMarked;
