package io.concordkv.storage;

/**
 * The model properties on the {@code rbtree} engine with keys starting with 0x7F kept out of its
 * point index: the generated keys start with 0x00, 0x01, 0x7F, 0x80 or 0xFF, so sequences mix
 * indexed and unindexed keys in the same batches, ranges and scans.
 */
class RbTreeUnindexedModelTest implements EngineModelProperties {

    @Override
    public String engineName() {
        return StorageEngines.RBTREE;
    }

    @Override
    public StorageEngine open(EngineConfig config) {
        return StorageEngines.open(config.withUnindexedPrefix(0x7F));
    }
}
