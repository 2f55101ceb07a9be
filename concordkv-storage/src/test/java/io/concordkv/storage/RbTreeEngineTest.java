package io.concordkv.storage;

/** Runs the engine contract, concurrency and model tests against the {@code rbtree} engine. */
class RbTreeEngineTest extends StorageEngineContract implements EngineConcurrencyContract, EngineModelProperties {

    @Override
    public String engineName() {
        return StorageEngines.RBTREE;
    }
}
