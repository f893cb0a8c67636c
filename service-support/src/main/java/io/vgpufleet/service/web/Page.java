package io.vgpufleet.service.web;

import java.util.List;

/**
 * One page of a list endpoint: {@code ?page=0&size=50} (size at most 500).
 *
 * @param total items in the whole list
 */
public record Page<T>(List<T> items, int page, int size, long total) {

    public static final int MAX_SIZE = 500;

    /** Cuts the page out of a list already in its final order. */
    public static <T> Page<T> of(List<T> all, int page, int size) {
        if (page < 0) {
            throw new InvalidRequestException("page must not be negative, was " + page);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new InvalidRequestException("size must be between 1 and " + MAX_SIZE + ", was " + size);
        }
        long from = (long) page * size;
        List<T> items = from >= all.size() ? List.of() : all.subList((int) from, (int) Math.min(all.size(), from + size));
        return new Page<>(List.copyOf(items), page, size, all.size());
    }
}
