package dev.mysqlsts.chaos;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.StringJoiner;

/**
 * A verdict's set of ledger ids (lost, phantoms, one pod's divergent ids): every id is kept, but its text is a
 * summary once it holds more than {@value #LISTED} ids, so that an assertion message that shows it (JUnit's
 * {@code assertEquals(Set.of(), report.lost())} prints the actual value) stays readable when a pod misses hundreds of
 * thousands of ids: {@code 54488 ids, 190113..244600 in 3 ranges: 190113..200000, 200002..244599, 244600}.
 * Immutable, sorted ascending.
 */
final class IdSet extends AbstractSet<Long> {

    static final int LISTED = 20;
    private static final int RANGES_SHOWN = 8;

    private final long[] ids;

    private IdSet(long[] sortedDistinct) {
        this.ids = sortedDistinct;
    }

    static IdSet of(Collection<Long> ids) {
        if (ids instanceof IdSet already) {
            return already;
        }
        long[] sorted = ids.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        return new IdSet(sorted);
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public boolean contains(Object o) {
        return o instanceof Long id && Arrays.binarySearch(ids, id) >= 0;
    }

    @Override
    public Iterator<Long> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < ids.length;
            }

            @Override
            public Long next() {
                if (next >= ids.length) {
                    throw new NoSuchElementException();
                }
                return ids[next++];
            }
        };
    }

    /** {@code [3, 5, 8]} up to {@value #LISTED} ids, else the count, the first and last id and the ranges. */
    @Override
    public String toString() {
        if (ids.length <= LISTED) {
            return Arrays.toString(ids);
        }
        StringJoiner ranges = new StringJoiner(", ");
        int count = 0;
        int start = 0;
        for (int i = 1; i <= ids.length; i++) {
            if (i == ids.length || ids[i] != ids[i - 1] + 1) {
                if (count < RANGES_SHOWN) {
                    ranges.add(ids[start] == ids[i - 1] ? Long.toString(ids[start]) : ids[start] + ".." + ids[i - 1]);
                }
                count++;
                start = i;
            }
        }
        return ids.length + " ids, " + ids[0] + ".." + ids[ids.length - 1] + " in " + count
                + (count == 1 ? " range" : " ranges: " + ranges + (count > RANGES_SHOWN ? ", ... "
                        + (count - RANGES_SHOWN) + " more ranges" : ""));
    }
}
