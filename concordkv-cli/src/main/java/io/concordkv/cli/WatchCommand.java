package io.concordkv.cli;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.ConcordClient;
import io.concordkv.client.WatchEvent;
import io.concordkv.client.WatchListener;
import io.concordkv.client.WatchOptions;
import io.concordkv.client.Watcher;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code concordkv watch}: prints each event as etcdctl does ({@code PUT}, key, value; the previous
 * key-value first with {@code --prev-kv}) until interrupted or {@code --max-events} events. Events
 * arrive on the client's threads and are handed to the command's thread through a queue, which
 * prints them in order.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, description = "Watch a key, a range or a prefix.")
final class WatchCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Parameters(index = "0", description = "key")
    String key;
    @Parameters(index = "1", arity = "0..1", description = "range end (exclusive)")
    String end;
    @Option(names = "--prefix", description = "watch every key with the prefix KEY")
    boolean prefix;
    @Option(names = "--rev", defaultValue = "0", description = "start at this revision (0 = now)")
    long rev;
    @Option(names = "--prev-kv", description = "print each event's previous key-value")
    boolean prevKv;
    @Option(names = "--max-events", defaultValue = "0", description = "stop after this many events (0 = never)")
    long maxEvents;

    @Override
    public Integer call() {
        Bytes k = Bytes.utf8(key);
        WatchOptions watch = WatchOptions.range(k, KvCommands.rangeEnd(k, end, prefix, false)).fromRevision(rev);
        watch = prevKv ? watch.withPrevKv() : watch;
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (ConcordClient client = options.connect();
             Watcher watcher = client.watch().watch(watch, new WatchListener() {
                 @Override
                 public void onEvent(WatchEvent event) {
                     events.add(event);
                 }

                 @Override
                 public void onError(KvException error) {
                     events.add(error);
                 }
             })) {
            for (long seen = 0; maxEvents == 0 || seen < maxEvents; seen++) {
                Object next = events.take();
                if (next instanceof KvException error) {
                    throw error;
                }
                print((WatchEvent) next);
            }
            watcher.cancel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvException(ErrorCode.CLOSED, "watch interrupted", e);
        }
        return 0;
    }

    private void print(WatchEvent event) {
        if (options.json()) {
            EtcdFormat.printJson(options.out(), EtcdFormat.event(event));
        } else {
            EtcdFormat.printEvent(options.out(), event);
        }
        options.out().flush();
    }
}
