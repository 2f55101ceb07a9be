package io.concordkv.storage;

import java.nio.file.Path;

/** Names the engine a contract test runs against and opens it. */
public interface EngineFixture {

    /** The engine under test, by its registered name. */
    String engineName();

    /** Opens the engine under test with {@code config}. */
    default StorageEngine open(EngineConfig config) {
        return StorageEngines.open(config);
    }

    /** Opens the engine under test with default settings and its files (if any) in {@code dir}. */
    default StorageEngine openIn(Path dir) {
        return open(EngineConfig.of(engineName()).withDataDir(dir));
    }
}
