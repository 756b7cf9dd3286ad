package dev.mysqlsts.chaos;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How stale a pod's data was when sampled: the time since the first acknowledged write it did not hold yet was
 * acknowledged (0 when it held every write acknowledged so far). A pod's holdings are told by the newest
 * invocation time among its ledger rows.
 */
final class Staleness {

    private final long[] invoked;
    private final long[] earliestAckFrom;

    Staleness(List<Operation> acknowledged) {
        Operation[] ops = acknowledged.toArray(Operation[]::new);
        Arrays.sort(ops, Comparator.comparingLong(Operation::invoked));
        invoked = new long[ops.length];
        earliestAckFrom = new long[ops.length + 1];
        earliestAckFrom[ops.length] = Long.MAX_VALUE;
        for (int i = ops.length - 1; i >= 0; i--) {
            invoked[i] = ops[i].invoked();
            earliestAckFrom[i] = Math.min(earliestAckFrom[i + 1], ops[i].completed());
        }
    }

    /** Milliseconds of staleness of a pod whose newest row was invoked at {@code newest}, sampled at {@code at}. */
    long at(long at, long newest) {
        int first = upperBound(newest);
        long earliest = earliestAckFrom[first];
        return earliest <= at ? at - earliest : 0;
    }

    private int upperBound(long value) {
        int low = 0;
        int high = invoked.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (invoked[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
