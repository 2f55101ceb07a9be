package io.concordkv.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CurrentEventLoopTest {

    @Test
    void anEventLoopThreadFindsItsOwnLoopAndOtherThreadsFindNone() throws Exception {
        assertThat(GrpcEndpoint.currentEventLoop()).as("a test thread").isNull();
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            EventLoop loop = group.next();
            Executor seen = loop.submit(GrpcEndpoint::currentEventLoop).get(10, TimeUnit.SECONDS);
            assertThat(seen).isSameAs(loop);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
