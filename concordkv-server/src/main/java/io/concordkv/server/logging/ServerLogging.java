package io.concordkv.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import io.concordkv.server.ServerConfig;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * The server process's logging, set from its {@link ServerConfig} before anything is served:
 * JSON lines (timestamp, level, logger, thread, message, and {@code node}: the member name) or
 * plain text, to standard error or to a file that rolls over by size ({@code log-max-bytes},
 * keeping {@code log-max-files} old files as {@code FILE.1} ... {@code FILE.N}). ConcordKV logs at
 * INFO; gRPC, Netty and Jetty at WARN. Replaces whatever configuration logback started with.
 */
public final class ServerLogging {
    private ServerLogging() {
    }

    public static void configure(ServerConfig config) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        Encoder<ILoggingEvent> encoder = config.logFormat().equals("json") ? json(context, config.name())
            : text(context);
        Appender<ILoggingEvent> appender = config.logFile().isEmpty() ? console(context, encoder)
            : rolling(context, encoder, config);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        for (String noisy : new String[] {"io.grpc", "io.netty", "org.eclipse.jetty", "io.javalin"}) {
            context.getLogger(noisy).setLevel(Level.WARN);
        }
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context, String node) {
        LogstashEncoder e = new LogstashEncoder();
        e.setContext(context);
        e.setCustomFields("{\"node\":\"" + node.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        e.setIncludeContext(false);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n");
        e.start();
        return e;
    }

    private static Appender<ILoggingEvent> console(LoggerContext context, Encoder<ILoggingEvent> encoder) {
        ConsoleAppender<ILoggingEvent> a = new ConsoleAppender<>();
        a.setContext(context);
        a.setTarget("System.err");
        a.setEncoder(encoder);
        a.start();
        return a;
    }

    private static Appender<ILoggingEvent> rolling(LoggerContext context, Encoder<ILoggingEvent> encoder,
                                                   ServerConfig config) {
        RollingFileAppender<ILoggingEvent> a = new RollingFileAppender<>();
        a.setContext(context);
        a.setFile(config.logFile());
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(a);
        rolling.setFileNamePattern(config.logFile() + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(config.logMaxFiles());
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(new FileSize(config.logMaxBytes()));
        // look at the size on every event (logback looks once a minute by default): the server logs
        // state changes, not requests, so a stat per line costs nothing that matters
        trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(0));
        trigger.start();
        a.setRollingPolicy(rolling);
        a.setTriggeringPolicy(trigger);
        a.setEncoder(encoder);
        a.start();
        return a;
    }
}
