package dev.broadcast.core.driver;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import java.util.List;

/**
 * Thrown by a driver's {@link BroadcastDriver#sendAll} when some broadcasts of the list went out and
 * others did not, so the dispatcher can report each one's own outcome instead of failing them all.
 */
public final class PartialFailure extends BroadcastException {

    /** Per broadcast, in order: its {@link BroadcastReceipt} or the {@link RuntimeException} it failed with. */
    private final transient List<Object> outcomes;

    public PartialFailure(List<Object> outcomes) {
        super(describe(outcomes), firstFailure(outcomes));
        this.outcomes = List.copyOf(outcomes);
    }

    public List<Object> outcomes() {
        return outcomes;
    }

    private static String describe(List<Object> outcomes) {
        long failed = outcomes.stream().filter(RuntimeException.class::isInstance).count();
        return failed + " of " + outcomes.size() + " broadcasts failed; the first: " + firstFailure(outcomes).getMessage();
    }

    private static RuntimeException firstFailure(List<Object> outcomes) {
        return outcomes.stream().filter(RuntimeException.class::isInstance).map(RuntimeException.class::cast)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no failure among the outcomes"));
    }
}
