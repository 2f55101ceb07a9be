package io.concordkv.raft.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler of an outbound connection: tells its {@link OutboundPeer} when the connection
 * closes or can take more bytes, and discards anything the peer sends (outbound connections only
 * send). Threads: the connection's event loop.
 */
final class OutboundHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundHandler.class);

    private final OutboundPeer peer;

    OutboundHandler(OutboundPeer peer) {
        this.peer = peer;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        peer.onInactive(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("raft transport: outbound connection to {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
