package dev.spindle.process;

import java.util.List;

/**
 * A compact form for a run of values that cross to a worker or back in one frame: all {@link Integer}s travel as an
 * {@code int[]}, all {@link Long}s as a {@code long[]}, all {@link Double}s as a {@code double[]} (an array of
 * primitives serializes as one block, without a handle per element), anything else as an {@code Object[]}.
 * Stateless and thread-safe.
 */
final class Packed {

    private Packed() {
    }

    /**
     * @param values the values
     * @param from the first index, inclusive
     * @param to the last index, exclusive
     * @return an {@code int[]}, {@code long[]}, {@code double[]} or {@code Object[]} holding {@code values[from, to)}
     */
    static Object pack(List<?> values, int from, int to) {
        int n = to - from;
        Class<?> kind = n == 0 || values.get(from) == null ? null : values.get(from).getClass();
        for (int i = from + 1; i < to && kind != null; i++) {
            Object v = values.get(i);
            if (v == null || v.getClass() != kind) {
                kind = null;
            }
        }
        if (kind == Integer.class) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Integer) values.get(from + i);
            }
            return a;
        }
        if (kind == Long.class) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Long) values.get(from + i);
            }
            return a;
        }
        if (kind == Double.class) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Double) values.get(from + i);
            }
            return a;
        }
        return values.subList(from, to).toArray();
    }

    /** @return how many values {@code packed} holds */
    static int length(Object packed) {
        return switch (packed) {
            case int[] a -> a.length;
            case long[] a -> a.length;
            case double[] a -> a.length;
            case Object[] a -> a.length;
            default -> throw new IllegalArgumentException("not a packed run of values: " + packed.getClass());
        };
    }

    /** @return the value at {@code i}, boxed */
    static Object get(Object packed, int i) {
        return switch (packed) {
            case int[] a -> a[i];
            case long[] a -> a[i];
            case double[] a -> a[i];
            case Object[] a -> a[i];
            default -> throw new IllegalArgumentException("not a packed run of values: " + packed.getClass());
        };
    }

    /** Copies every value of {@code packed} into {@code out} from {@code at} on. */
    static void unpackInto(Object packed, Object[] out, int at) {
        switch (packed) {
            case int[] a -> {
                for (int i = 0; i < a.length; i++) {
                    out[at + i] = a[i];
                }
            }
            case long[] a -> {
                for (int i = 0; i < a.length; i++) {
                    out[at + i] = a[i];
                }
            }
            case double[] a -> {
                for (int i = 0; i < a.length; i++) {
                    out[at + i] = a[i];
                }
            }
            case Object[] a -> System.arraycopy(a, 0, out, at, a.length);
            default -> throw new IllegalArgumentException("not a packed run of values: " + packed.getClass());
        }
    }
}
