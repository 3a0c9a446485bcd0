package dev.spindle.process;

import java.io.ObjectInputFilter;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * The receiving side's guard: rejects a payload past the size, depth, reference or array limits, and any class
 * that is neither in {@code java.base}, nor among the classes the sender declared it wrote, nor allowed by the
 * configured {@code allow} pattern.
 *
 * <p>The declared list guards against corrupted or foreign streams; it is what the sender says, so it does not make
 * a hostile worker safe (see docs/process.md). Immutable and thread-safe.
 */
final class PayloadFilter implements ObjectInputFilter {

    private static final Module JAVA_BASE = Object.class.getModule();

    private final Set<String> declared;
    private final ObjectInputFilter extra;
    private String rejected; // read by the decoding thread after the filter ran on it

    /** @return what the filter rejected last, for the error message, or {@code null} */
    String rejected() {
        return rejected;
    }

    PayloadFilter(Set<String> declared, ObjectInputFilter extra) {
        this.declared = Set.copyOf(declared);
        this.extra = extra;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (info.depth() > Payload.MAX_DEPTH || info.references() > Payload.MAX_REFS
                || info.streamBytes() > Payload.MAX_BYTES || info.arrayLength() > Payload.MAX_ARRAY) {
            rejected = "a limit (depth " + info.depth() + " of " + Payload.MAX_DEPTH + ", references "
                    + info.references() + " of " + Payload.MAX_REFS + ", bytes " + info.streamBytes() + " of "
                    + Payload.MAX_BYTES + ", array length " + info.arrayLength() + " of " + Payload.MAX_ARRAY + ")";
            return Status.REJECTED;
        }
        Class<?> c = info.serialClass();
        if (c == null) {
            return Status.UNDECIDED;
        }
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive() || c.getModule() == JAVA_BASE || declared.contains(c.getName())
                || Proxy.isProxyClass(c)) {
            return Status.ALLOWED; // a proxy's interfaces are checked one by one
        }
        if (isLambdaOfDeclaredClass(c)) {
            return Status.ALLOWED; // what a SerializedLambda resolves to: a hidden class made here, not in the stream
        }
        if (extra != null && extra.checkInput(info) == Status.ALLOWED) {
            return Status.ALLOWED;
        }
        rejected = "class " + info.serialClass().getName() + ", which the sender did not declare and the 'allow' "
                + "key does not allow";
        return Status.REJECTED;
    }

    private boolean isLambdaOfDeclaredClass(Class<?> c) {
        if (!c.isHidden()) {
            return false;
        }
        int at = c.getName().indexOf("$$Lambda");
        return at > 0 && declared.contains(c.getName().substring(0, at));
    }

    /**
     * @param pattern the {@code allow} key, in {@link ObjectInputFilter.Config#createFilter} syntax
     * @return its filter, or {@code null} when blank
     * @throws IllegalArgumentException if the pattern is malformed
     */
    static ObjectInputFilter extra(String pattern) {
        return pattern == null || pattern.isBlank() ? null : ObjectInputFilter.Config.createFilter(pattern.strip());
    }
}
