package io.concordkv.storage;

/** Runs the engine contract, concurrency and model tests against the {@code lsm} engine. */
class LsmEngineTest extends StorageEngineContract implements EngineConcurrencyContract, EngineModelProperties {

    @Override
    public String engineName() {
        return StorageEngines.LSM;
    }

    @Override
    protected boolean exactStats() {
        return false;
    }
}
