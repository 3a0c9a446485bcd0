package dev.spindle;

/**
 * When a {@link TaskGroup} succeeds, and when it stops its remaining tasks early.
 *
 * <ul>
 *   <li>{@link #allSuccessful()} (the default): every task must succeed; the first failure cancels the others
 *       (fail fast), and {@link TaskGroup#join()} throws {@link TaskGroupException}. Python's
 *       {@code asyncio.TaskGroup}.</li>
 *   <li>{@link #collectAll()}: run everything to the end; failures do not cancel siblings and {@code join} does not
 *       throw for them. Python's {@code gather(return_exceptions=True)}.</li>
 *   <li>{@link #firstSuccess()}: the first task to succeed cancels the rest; {@code join} throws only if none
 *       succeeded. A race.</li>
 *   <li>{@link #quorum(int)}: once {@code k} tasks have succeeded the rest are cancelled; {@code join} throws if
 *       fewer than {@code k} succeed.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class GroupPolicy {

    enum Kind { ALL_SUCCESSFUL, COLLECT_ALL, QUORUM }

    private static final GroupPolicy ALL = new GroupPolicy(Kind.ALL_SUCCESSFUL, 0);
    private static final GroupPolicy COLLECT = new GroupPolicy(Kind.COLLECT_ALL, 0);
    private static final GroupPolicy FIRST = new GroupPolicy(Kind.QUORUM, 1);

    private final Kind kind;
    private final int quorum;

    private GroupPolicy(Kind kind, int quorum) {
        this.kind = kind;
        this.quorum = quorum;
    }

    /** @return all must succeed, fail fast */
    public static GroupPolicy allSuccessful() {
        return ALL;
    }

    /** @return run all to the end, collect failures */
    public static GroupPolicy collectAll() {
        return COLLECT;
    }

    /** @return the first success wins and cancels the rest */
    public static GroupPolicy firstSuccess() {
        return FIRST;
    }

    /**
     * @param k how many successes are enough; at least 1
     * @return the first {@code k} successes win and cancel the rest
     */
    public static GroupPolicy quorum(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("quorum is " + k + "; expected at least 1 (firstSuccess() is quorum(1))");
        }
        return k == 1 ? FIRST : new GroupPolicy(Kind.QUORUM, k);
    }

    Kind kind() {
        return kind;
    }

    int quorumSize() {
        return quorum;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ALL_SUCCESSFUL -> "allSuccessful";
            case COLLECT_ALL -> "collectAll";
            case QUORUM -> quorum == 1 ? "firstSuccess" : "quorum(" + quorum + ")";
        };
    }
}
