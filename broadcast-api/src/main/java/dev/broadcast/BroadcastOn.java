package dev.broadcast;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A channel an annotated event is broadcast on, for classes and records that do not implement
 * {@link ShouldBroadcast}. Repeat it for several channels.
 *
 * <pre>{@code
 * @BroadcastOn(value = "task.{taskId}", type = ChannelType.PRIVATE)
 * @BroadcastAs("agent.output")
 * public record AgentOutputReceived(long taskId, String line, String type) {}
 * }</pre>
 *
 * <p>{@code value} is the channel name without its type prefix. Each {@code {placeholder}} is
 * replaced by the event's property of that name: a record component, a getter ({@code getX()} or
 * {@code isX()}), a no-argument method {@code x()}, or a public field; dotted paths such as
 * {@code {task.projectId}} walk into nested values. A placeholder that names no property, or whose
 * value is null, fails the broadcast with an {@link IllegalArgumentException} naming the class and
 * the placeholder, before anything is sent. The payload of an annotated event is the event itself.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(BroadcastOn.List.class)
public @interface BroadcastOn {

    /** The channel name template without the type prefix, e.g. {@code task.{taskId}}. */
    String value();

    /** The channel type; public by default. */
    ChannelType type() default ChannelType.PUBLIC;

    /** The container of repeated {@link BroadcastOn} annotations. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        BroadcastOn[] value();
    }
}
