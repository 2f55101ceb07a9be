package io.concordkv.cli;

import io.concordkv.client.ConcordClient;
import io.concordkv.client.HealthConfig;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every client command shares (etcdctl's global flags): where the servers are, how to
 * print, and how long one request may take. A picocli mixin; also gives the command its output
 * streams and standard input (the one {@link Main#run} was given).
 */
final class ClientOptions {
    /** How results are printed. */
    enum Format { SIMPLE, JSON }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--endpoints", defaultValue = "127.0.0.1:2379", split = ",",
        description = "comma-separated host:port list (default: ${DEFAULT-VALUE})")
    List<String> endpoints;

    @Option(names = {"-w", "--write-out"}, defaultValue = "simple", converter = FormatConverter.class,
        description = "output format: simple or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--command-timeout", defaultValue = "5s", converter = DurationConverter.class,
        description = "timeout of one request, e.g. 5s, 500ms, 1m (default: ${DEFAULT-VALUE})")
    Duration commandTimeout;

    /** A client for the endpoints: no background health probes, each request bounded by the timeout. */
    ConcordClient connect() {
        return ConcordClient.builder().endpoints(endpoints.toArray(String[]::new)).callTimeout(commandTimeout)
            .health(HealthConfig.DISABLED).build();
    }

    boolean json() {
        return format == Format.JSON;
    }

    PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    PrintWriter err() {
        return mixee.commandLine().getErr();
    }

    /** The standard input of this run of the command line. */
    InputStream in() {
        Object root = mixee.root().userObject();
        return root instanceof Main main ? main.in() : System.in;
    }

    /** Parses {@code simple} or {@code json}. */
    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unsupported output format " + value
                    + "; use " + Arrays.toString(Format.values()).toLowerCase(Locale.ROOT));
            }
        }
    }

    /** Parses Go-style durations of one unit ({@code 5s}, {@code 500ms}, {@code 1m}) or plain seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                } else if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                } else if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a duration: " + value);
            }
        }
    }
}
