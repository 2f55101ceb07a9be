/**
 * The peer transport: carries Raft {@link io.concordkv.raft.core.Message}s between the members of
 * a cluster over TCP. The API is {@link io.concordkv.raft.transport.PeerTransport} with its
 * {@link io.concordkv.raft.transport.TransportConfig}, {@link io.concordkv.raft.transport.TransportListener}
 * and {@link io.concordkv.raft.transport.TransportStats}; {@link io.concordkv.raft.transport.NettyPeerTransport}
 * implements it on Netty (no Netty type appears in the API); {@link io.concordkv.raft.transport.MessageCodec}
 * is the message encoding on its own. Everything else here is package-private.
 *
 * <h2>Delivery</h2>
 * Best effort, in order per peer, never blocking the sender: each peer has a bounded queue (in
 * messages and bytes) drained by a writer on that peer's I/O thread, which writes up to 256 frames
 * and flushes once. A message that cannot be sent (queue full, unknown peer, over the frame limit,
 * connection failed or lost while it waited) is dropped, counted, and reported through
 * {@code TransportListener.unreachable}; Raft retransmits what matters. A {@code SNAP} message
 * ends in {@code TransportListener.snapshotStatus}: {@code true} once its last byte was written,
 * {@code false} if it was dropped or its write failed.
 *
 * <h2>Connections are one-way</h2>
 * Each node dials every peer it sends to and uses that connection only for sending; connections
 * a node accepts only receive. So two members hold two connections, one per direction. This
 * avoids deciding which of two connections dialled at the same moment survives (each side owns
 * exactly the one it dialled), gives each direction its own ordering, flow control and reconnect
 * schedule, lets a receiver trust the handshake's sender for the life of the connection, and keeps
 * a sender from waiting on a connection the other side is re-establishing.
 *
 * <h2>Wire format, version 1</h2>
 * All fixed-width integers are big-endian. Every frame is
 * <pre>
 *   length u32 (bytes after this field) | kind u8 | body
 * </pre>
 * and a whole frame, length field included, is at most {@code maxFrameBytes} (default 16 MiB);
 * a receiver closes a connection that announces a longer one. Kinds:
 * <pre>
 *   1 HELLO       magic u32 = 0x434B5652 ("CKVR") | protocol version u16 = 1 | cluster id u64
 *                 | sender id u64 | receiver id u64                          (body: 30 bytes)
 *   2 MESSAGE     one encoded message (below)
 *   3 SNAP_BEGIN  stream id u64 | image length u64 | the SNAP message encoded with an empty image
 *   4 SNAP_CHUNK  stream id u64 | sequence u32 (0, 1, ...) | image bytes (at least 1)
 * </pre>
 * The first frame on every connection is HELLO, and only the first. The receiver closes the
 * connection, with a log line, when the magic, version or cluster id differ from its own, when the
 * receiver id is not its own id, or when no HELLO arrives within {@code connectTimeout}. Every
 * message on the connection must then be from the HELLO's sender and to the receiver.
 *
 * <p>A {@code SNAP} message whose image is longer than {@code snapshotChunkBytes} (default 1 MiB)
 * goes as SNAP_BEGIN followed at once by SNAP_CHUNK frames of that stream, numbered from 0, each
 * carrying at most {@code snapshotChunkBytes} of the image, in order, whose lengths add up to the
 * announced image length (at most {@code maxSnapshotBytes}, default 1 GiB); the message is
 * delivered when the last chunk arrives. Stream ids are per connection and increase. Anything else
 * (a gap, another stream, excess bytes, a new SNAP_BEGIN inside a stream) is a broken sequence: the
 * partial image is discarded and the connection closed, as it is when the connection breaks
 * mid-stream. Smaller snapshots travel inside an ordinary MESSAGE frame.
 *
 * <h2>Message encoding, format version 1</h2>
 * ({@code MessageCodec}). {@code varint} is an unsigned LEB128 integer: 7 bits a byte, least
 * significant group first, high bit set on every byte but the last, 1 to 10 bytes for 64 bits
 * (any {@code long} round-trips as its unsigned value). In order:
 * <pre>
 *   format version   u8      = 1
 *   type             u8      wire code: 0 HUP, 1 BEAT, 2 PROP, 3 APP, 4 APP_RESP, 5 VOTE, 6 VOTE_RESP,
 *                            7 PRE_VOTE, 8 PRE_VOTE_RESP, 9 SNAP, 10 HEARTBEAT, 11 HEARTBEAT_RESP,
 *                            12 UNREACHABLE, 13 SNAP_STATUS, 14 TRANSFER_LEADER, 15 TIMEOUT_NOW,
 *                            16 READ_INDEX, 17 READ_INDEX_RESP (fixed here, not the enum's order)
 *   flags            u8      bit 0: reject; bit 1: a snapshot follows the entries; others 0
 *   from, to, term, logTerm, index, commit, rejectHint     7 x varint
 *   context          varint length n, then n bytes
 *   entries          varint count k, then k times:
 *                      term varint | index varint (at least 1) | type u8 (0 NORMAL, 1 CONF_CHANGE)
 *                      | data: varint length m, then m bytes
 *   snapshot         only when flag bit 1 is set (it is set whenever any snapshot field differs
 *                    from Snapshot.EMPTY):
 *                      index varint | term varint
 *                      | voters: varint count, then the ids as varints, positive, strictly ascending
 *                      | learners: likewise, none of them a voter
 *                      | image: varint length d, then d bytes
 * </pre>
 * Nothing may follow. A heartbeat takes about 13 bytes. Decoding rejects an unknown version, type,
 * entry type or flag, a varint over 64 bits, a count or length larger than the bytes left (so a
 * forged length allocates nothing), bad member ids and trailing bytes, always with a
 * {@link io.concordkv.api.KvException} of code {@code CORRUPTION}.
 *
 * <h2>Threads</h2>
 * {@code PeerTransport} methods may be called from any thread. Netty I/O threads (daemon threads
 * named {@code concordkv-raft-transport-<node id>-*}) run all connection work; each peer's sending
 * side stays on one of them for its lifetime. The inbound handler and the listener are called on
 * those threads (the listener also on a thread calling {@code send}) and must not block.
 * {@code MessageCodec} is stateless.
 */
package io.concordkv.raft.transport;
