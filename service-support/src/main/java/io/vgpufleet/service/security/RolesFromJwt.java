package io.vgpufleet.service.security;

import io.vgpufleet.service.security.access.Role;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** A verified JWT to an authentication: its subject, and the suite's roles found in the roles claim. */
final class RolesFromJwt implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String rolesClaim;

    RolesFromJwt(String rolesClaim) {
        this.rolesClaim = rolesClaim;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Object claim = jwt.getClaims().get(rolesClaim);
        Set<Role> roles = claim == null ? EnumSet.noneOf(Role.class) : Role.fromClaim(claim);
        return new JwtAuthenticationToken(jwt, GrantedRoles.authorities(roles), jwt.getSubject());
    }
}
