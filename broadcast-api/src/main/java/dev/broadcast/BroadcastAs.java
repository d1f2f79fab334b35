package dev.broadcast;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The event name of an annotated event (the simple class name otherwise). On a
 * {@link ShouldBroadcast} class, {@link ShouldBroadcast#broadcastAs()} wins when overridden.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BroadcastAs {
    /** The event name, at most 200 characters. */
    String value();
}
