package dev.broadcast.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How the runnable jar logs ({@link ServerOptions#logLevel()}, {@link ServerOptions#logFormat()}): one line per event on
 * standard output, as text for people or as one JSON object a line for log shippers, through
 * Logback. Configured by {@link BroadcastServer#main} only; an application that embeds the server
 * logs through its own binding and configuration.
 *
 * <p>The server's own loggers ({@code dev.broadcast}) log at the level asked for; the libraries
 * under it (Netty, Grizzly, Tyrus, Lettuce) at that level but never below INFO, so that
 * {@code --log-level debug} shows connections, refusals and subscriptions rather than the
 * libraries' internals.
 */
final class ServerLogging {

    private static final List<String> LIBRARIES = List.of("io.netty", "org.glassfish", "io.lettuce", "reactor",
            "io.micrometer");

    private ServerLogging() {
    }

    /** Sends every log event to standard output at {@code level} in {@code format}. */
    static void configure(String level, String format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: its own configuration rules
        }
        context.reset();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("stdout");
        console.setEncoder(encoder(context, format));
        console.start();
        Level asked = Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(asked);
        root.addAppender(console);
        Level libraries = asked.isGreaterOrEqual(Level.INFO) ? asked : Level.INFO;
        LIBRARIES.forEach(name -> context.getLogger(name).setLevel(libraries));
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
        if (format.equals("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0}: %msg%n");
        text.start();
        return text;
    }
}
