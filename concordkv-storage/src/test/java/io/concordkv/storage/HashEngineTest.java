package io.concordkv.storage;

/** Runs the engine contract, concurrency and model tests against the {@code hash} engine. */
class HashEngineTest extends StorageEngineContract implements EngineConcurrencyContract, EngineModelProperties {

    @Override
    public String engineName() {
        return StorageEngines.HASH;
    }
}
