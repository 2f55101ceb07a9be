/**
 * The server process's log configuration ({@link io.concordkv.server.logging.ServerLogging}):
 * JSON lines or text, to standard error or a size-rolled file. Called once at start-up by the
 * {@code server} command, never by tests or embedded users.
 */
package io.concordkv.server.logging;
