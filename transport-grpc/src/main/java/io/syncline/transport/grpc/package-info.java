/**
 * Sync over gRPC: a versioned {@code .proto} ({@code syncline.v1.Sync}, documented in {@code
 * docs/grpc-protocol.md}) with streaming push, pull and live subscription.
 *
 * <p>Client side: {@link io.syncline.transport.grpc.GrpcSyncTransport}, a {@link
 * io.syncline.spi.SyncTransport} on a Netty channel it creates, or on a channel you pass (for
 * example grpc-okhttp on Android). Server side: {@link io.syncline.transport.grpc.GrpcSyncServer}
 * (standalone, Netty, optional TLS) and {@link io.syncline.transport.grpc.GrpcSyncService} (the
 * service, to add to a gRPC server of your own). Callers are authenticated by an {@link
 * io.syncline.spi.Authenticator}; what they may read and write is decided by the engine's {@link
 * io.syncline.spi.Authorizer}.
 *
 * <p>Every parameter and return value is non-null unless documented otherwise.
 */
package io.syncline.transport.grpc;
