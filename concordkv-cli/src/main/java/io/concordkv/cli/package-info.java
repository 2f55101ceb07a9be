/**
 * The {@code concordkv} command line, built on picocli. {@link io.concordkv.cli.Main} is the entry
 * point {@code bin/concordkv} runs; each subcommand is its own class. Commands print results to
 * standard output (JSON lines where a program will read them) and errors to standard error, and
 * exit non-zero on failure. Writes no files, but for {@code cluster} (package
 * {@code io.concordkv.cli.cluster}), which runs a local cluster out of one directory.
 *
 * <p>The client commands ({@code put}, {@code get}, {@code range}, {@code del}, {@code txn},
 * {@code txn begin}, {@code watch}, {@code lease}, {@code member}, {@code status}) mirror etcdctl
 * over the Java client ({@code concordkv-client}): the shared options are the {@code ClientOptions}
 * mixin, output in etcdctl's simple or JSON form comes from {@code EtcdFormat}, and standard input
 * is the stream given to {@link io.concordkv.cli.Main#run(java.io.InputStream, java.io.PrintWriter,
 * java.io.PrintWriter, String...)} so tests need not replace {@code System.in}. Each run opens one
 * client and closes it before returning. See {@code docs/cli.md}.
 */
package io.concordkv.cli;
