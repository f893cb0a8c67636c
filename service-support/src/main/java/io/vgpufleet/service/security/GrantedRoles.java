package io.vgpufleet.service.security;

import io.vgpufleet.service.security.access.Role;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** Roles as Spring Security authorities ({@code ROLE_operator}) and back. */
final class GrantedRoles {

    static final String PREFIX = "ROLE_";

    private GrantedRoles() {}

    static Collection<GrantedAuthority> authorities(Set<Role> roles) {
        return roles.stream().<GrantedAuthority>map(role -> new SimpleGrantedAuthority(PREFIX + role.wireName())).toList();
    }

    /** The roles of an authenticated caller; none for an anonymous one or none at all. */
    static Set<Role> of(@Nullable Authentication authentication) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (!isAuthenticated(authentication)) {
            return roles;
        }
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String name = authority.getAuthority();
            if (name != null && name.startsWith(PREFIX)) {
                Role.fromWireName(name.substring(PREFIX.length())).ifPresent(roles::add);
            }
        }
        return roles;
    }

    static boolean isAuthenticated(@Nullable Authentication authentication) {
        return authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken);
    }
}
