/**
 * Deliberate architecture violations, for the architecture test to prove its rules catch them:
 * storage code that imports the txn layer above it, and txn code that reaches into
 * storage's internals. Never imported by production code.
 */
package io.concordkv.archfixture;
