/**
 * The sandbox's own token issuer: an RSA signing key made once in the data directory, and JWTs minted
 * with it for the roles viewer, operator and admin. For a developer's machine only; production takes
 * tokens from the operators' identity provider (docs/security.md).
 */
@NullMarked
package io.vgpufleet.sandbox.security;

import org.jspecify.annotations.NullMarked;
