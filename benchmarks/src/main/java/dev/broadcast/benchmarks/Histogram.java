package dev.broadcast.benchmarks;

/**
 * A fixed-bucket log-linear histogram of microseconds: exact below 128 µs, then 64 sub-buckets
 * per power of two (at most 1.6% relative error). Single writer; read after the writer stops.
 */
final class Histogram {

    private static final int SUB = 64;
    private final long[] counts = new long[128 + 40 * SUB];
    private long total;
    private long max;

    void record(long micros) {
        long v = Math.max(0, micros);
        counts[index(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    private static int index(long v) {
        if (v < 128) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - 6;
        int idx = 128 + (shift - 1) * SUB + (int) ((v >>> shift) - SUB);
        return Math.min(idx, 128 + 40 * SUB - 1);
    }

    private static long lowerBound(int idx) {
        if (idx < 128) {
            return idx;
        }
        int shift = (idx - 128) / SUB + 1;
        return (long) (SUB + (idx - 128) % SUB) << shift;
    }

    /** A copy, for reading while the writer goes on. */
    Histogram copy() {
        Histogram h = new Histogram();
        System.arraycopy(counts, 0, h.counts, 0, counts.length);
        h.total = total;
        h.max = max;
        return h;
    }

    /** Adds every value of {@code other} to this one. */
    void add(Histogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The value at quantile {@code q} (0..1), as the lower bound of its bucket, in µs. */
    long quantile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank && counts[i] > 0) {
                return lowerBound(i);
            }
        }
        return max;
    }
}
