package io.concordkv.storage;

/** Runs the engine contract, concurrency and model tests against the {@code array} engine. */
class ArrayEngineTest extends StorageEngineContract implements EngineConcurrencyContract, EngineModelProperties {

    @Override
    public String engineName() {
        return StorageEngines.ARRAY;
    }
}
