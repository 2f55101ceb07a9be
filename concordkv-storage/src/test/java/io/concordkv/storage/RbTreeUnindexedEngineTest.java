package io.concordkv.storage;

/**
 * Runs the engine contract and the concurrency tests against the {@code rbtree} engine with keys
 * starting with 's' kept out of its point index: the concurrency tests' keys all start with 's',
 * so their optimistic reads descend the tree while writers rotate it.
 */
class RbTreeUnindexedEngineTest extends StorageEngineContract implements EngineConcurrencyContract {

    @Override
    public String engineName() {
        return StorageEngines.RBTREE;
    }

    @Override
    public StorageEngine open(EngineConfig config) {
        return StorageEngines.open(config.withUnindexedPrefix('s'));
    }
}
