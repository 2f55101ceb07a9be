package io.concordkv.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Model-based property: any sequence of puts, deletes, batches, gets and scans leaves the engine
 * agreeing with a {@link TreeMap} under unsigned byte order. Keys are drawn from a tiny alphabet
 * that includes 0x00 and 0xFF so that collisions, prefixes and edge bytes are common. jqwik prints
 * the seed of every run; a failure is replayed with {@code @Property(seed = "...")}.
 */
public interface EngineModelProperties extends EngineFixture {

    /** One step of the model test. */
    sealed interface Action permits Put, Delete, Get, Batch, Scan, DeleteRange {
    }

    record Put(Bytes key, Bytes value) implements Action {
    }

    record Delete(Bytes key) implements Action {
    }

    record Get(Bytes key) implements Action {
    }

    record Batch(List<Action> ops) implements Action {
    }

    /** Only inside a {@link Batch}: deletes {@code [from, to)}, or nothing when {@code from >= to}. */
    record DeleteRange(Bytes from, Bytes to) implements Action {
    }

    record Scan(Bytes start, Optional<Bytes> end, int limit, boolean reverse) implements Action {
    }

    @Property(tries = 150)
    default void behavesLikeASortedMap(@ForAll("engineActions") List<Action> actions) throws IOException {
        Path dir = Files.createTempDirectory("concordkv-model");
        try (StorageEngine engine = openIn(dir.resolve("engine"))) {
            TreeMap<Bytes, Bytes> model = new TreeMap<>();
            for (Action action : actions) {
                apply(engine, model, action);
            }
            List<KeyValue> everything = model.entrySet().stream()
                .map(e -> new KeyValue(e.getKey(), e.getValue())).toList();
            assertThat(engine.scan(ScanRange.all())).containsExactlyElementsOf(everything);
            if (!StorageEngines.LSM.equals(engineName())) {
                assertThat(engine.stats().keyCount()).isEqualTo(model.size());
            }
        } finally {
            deleteTree(dir);
        }
    }

    @Provide
    default Arbitrary<List<Action>> engineActions() {
        Arbitrary<Bytes> keys = Arbitraries.of((byte) 0x00, (byte) 0x01, (byte) 0x7F, (byte) 0x80, (byte) 0xFF)
            .list().ofMinSize(1).ofMaxSize(3)
            .map(EngineModelProperties::toBytes);
        Arbitrary<Bytes> values = Arbitraries.bytes().list().ofMaxSize(4).map(EngineModelProperties::toBytes);
        Arbitrary<Action> put = Combinators.combine(keys, values).as(Put::new);
        Arbitrary<Action> delete = keys.map(Delete::new);
        Arbitrary<Action> get = keys.map(Get::new);
        Arbitrary<Action> deleteRange = Combinators.combine(keys, keys).as(DeleteRange::new);
        Arbitrary<Action> batch = Arbitraries.oneOf(put, put, delete, deleteRange).list().ofMaxSize(6).map(Batch::new);
        Arbitrary<Action> scan = Combinators.combine(keys.injectNull(0.3), keys.optional(),
                Arbitraries.integers().between(0, 4), Arbitraries.of(true, false))
            .as((start, end, limit, reverse) -> {
                Bytes from = start == null ? Bytes.EMPTY : start;
                if (end.isPresent() && from.compareTo(end.get()) > 0) {
                    return new Scan(end.get(), Optional.of(from), limit, reverse);
                }
                return new Scan(from, end, limit, reverse);
            });
        return Arbitraries.frequencyOf(
                Tuple.of(5, put), Tuple.of(2, delete),
                Tuple.of(2, batch), Tuple.of(3, get),
                Tuple.of(3, scan))
            .list().ofMaxSize(40);
    }

    private static void apply(StorageEngine engine, TreeMap<Bytes, Bytes> model, Action action) {
        if (action instanceof Put p) {
            engine.put(p.key(), p.value());
            model.put(p.key(), p.value());
        } else if (action instanceof Delete d) {
            engine.delete(d.key());
            model.remove(d.key());
        } else if (action instanceof Get g) {
            assertThat(engine.get(g.key())).isEqualTo(Optional.ofNullable(model.get(g.key())));
        } else if (action instanceof Batch b) {
            WriteBatch.Builder builder = WriteBatch.builder();
            for (Action op : b.ops()) {
                if (op instanceof Put p) {
                    builder.put(p.key(), p.value());
                    model.put(p.key(), p.value());
                } else if (op instanceof Delete d) {
                    builder.delete(d.key());
                    model.remove(d.key());
                } else if (op instanceof DeleteRange r && r.from().compareTo(r.to()) < 0) {
                    builder.deleteRange(r.from(), r.to());
                    model.subMap(r.from(), r.to()).clear();
                }
            }
            engine.write(builder.build());
        } else if (action instanceof Scan s) {
            assertThat(engine.scan(toRange(s))).containsExactlyElementsOf(expectedScan(model, s));
        }
    }

    private static ScanRange toRange(Scan s) {
        ScanRange range = s.end().map(end -> ScanRange.between(s.start(), end))
            .orElseGet(() -> ScanRange.from(s.start()));
        range = range.withLimit(s.limit());
        return s.reverse() ? range.reversed() : range;
    }

    private static List<KeyValue> expectedScan(TreeMap<Bytes, Bytes> model, Scan s) {
        NavigableMap<Bytes, Bytes> view = s.end().map(end -> model.subMap(s.start(), true, end, false))
            .orElseGet(() -> model.tailMap(s.start(), true));
        if (s.reverse()) {
            view = view.descendingMap();
        }
        Stream<Map.Entry<Bytes, Bytes>> entries = view.entrySet().stream();
        if (s.limit() > 0) {
            entries = entries.limit(s.limit());
        }
        return entries.map(e -> new KeyValue(e.getKey(), e.getValue())).toList();
    }

    private static Bytes toBytes(List<Byte> list) {
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return Bytes.wrap(out);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
