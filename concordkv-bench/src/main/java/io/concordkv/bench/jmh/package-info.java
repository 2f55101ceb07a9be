/**
 * JMH benchmarks of every engine and baseline: put (overwrite), get (hit), get (miss) and a
 * 100-key scan, with 16-byte keys and 100-byte values. Run through {@code bin/concordkv bench jmh}
 * with JMH's own options; {@code docs/BENCHMARKS.md} has the commands and the figures.
 */
package io.concordkv.bench.jmh;
