/**
 * The ConcordKV server: {@link io.concordkv.server.ConcordServer}, the composition root that opens
 * the store and starts every part of a node in order (and closes them in reverse), and
 * {@link io.concordkv.server.ServerConfig}, its settings from flags, a config file and the
 * environment. The only place in the project that reads files, flags and environment variables
 * for configuration. See {@code docs/server.md}.
 */
package io.concordkv.server;
