package io.concordkv.storage.log;

import java.util.List;

/**
 * What opening a log found and did.
 *
 * @param records valid records read
 * @param truncatedBytes bytes cut from a torn tail or dropped by salvage
 * @param events one human-readable line per repair, naming file and offset; empty when the log
 *     was clean
 */
public record RecoveryReport(long records, long truncatedBytes, List<String> events) {
    public RecoveryReport {
        events = List.copyOf(events);
    }

    public boolean clean() {
        return events.isEmpty();
    }
}
