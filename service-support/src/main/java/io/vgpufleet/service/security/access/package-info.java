/**
 * Who may do what over REST, as pure decisions: the roles, what a request needs, and the path patterns the
 * rules are written in. No Spring, servlet or JWT type here; {@code io.vgpufleet.service.security} applies
 * these decisions to requests.
 */
@NullMarked
package io.vgpufleet.service.security.access;

import org.jspecify.annotations.NullMarked;
