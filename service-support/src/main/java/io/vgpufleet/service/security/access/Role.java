package io.vgpufleet.service.security.access;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The roles a token grants, in the {@code roles} claim by their wire names. Each includes the ones below
 * it: an admin may do whatever an operator may, an operator whatever a viewer may.
 */
public enum Role {
    VIEWER,
    OPERATOR,
    ADMIN;

    private static final Pattern SEPARATORS = Pattern.compile("[\\s,]+");

    /** {@code viewer}, {@code operator}, {@code admin}: as tokens carry them. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this role may make a request that needs {@code requirement}. */
    public boolean satisfies(Requirement requirement) {
        return switch (requirement) {
            case PUBLIC, VIEWER -> true;
            case OPERATOR -> this != VIEWER;
            case ADMIN -> this == ADMIN;
        };
    }

    public static Optional<Role> fromWireName(String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /**
     * The roles of a claim's value: a JSON array of names, or one string of names separated by spaces or
     * commas (as {@code scope} is written). Names that are not roles of this suite are ignored, and so is
     * any other shape of value: a token that grants nothing we know grants nothing.
     */
    public static Set<Role> fromClaim(Object claim) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (claim instanceof String names) {
            for (String name : SEPARATORS.split(names.strip())) {
                fromWireName(name).ifPresent(roles::add);
            }
        } else if (claim instanceof Collection<?> names) {
            for (Object name : names) {
                if (name instanceof String text) {
                    fromWireName(text).ifPresent(roles::add);
                }
            }
        }
        return roles;
    }
}
