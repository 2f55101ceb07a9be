/**
 * The {@code concordkv} command line, built on picocli. {@link io.concordkv.cli.Main} is the entry
 * point {@code bin/concordkv} runs; each subcommand is its own class. Commands print results to
 * standard output (JSON lines where a program will read them) and errors to standard error, and
 * exit non-zero on failure. Writes no files.
 */
package io.concordkv.cli;
