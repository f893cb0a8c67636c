/**
 * Authentication and authorisation of every service's REST API, as auto-configuration: an OAuth2 resource
 * server taking JWTs, roles from a claim, the {@link io.vgpufleet.service.security.access.AccessPolicy}
 * applied to every request, 401 and 403 as RFC 9457 problem details, and an audit record on Kafka for every
 * write. See docs/security.md and ADR 0007.
 */
@NullMarked
package io.vgpufleet.service.security;

import org.jspecify.annotations.NullMarked;
