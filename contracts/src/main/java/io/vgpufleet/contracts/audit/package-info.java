/**
 * The audit trail of the services' REST APIs: one record per write request, accepted or refused. Written by
 * {@code service-support}'s security filter; read by whoever keeps the audit (a SIEM, a retention job).
 */
@NullMarked
package io.vgpufleet.contracts.audit;

import org.jspecify.annotations.NullMarked;
