/**
 * Sync over HTTP with JSON: a protocol any client can speak, documented in {@code
 * docs/http-protocol.md}.
 *
 * <p>Client side: {@link io.syncline.transport.http.HttpSyncTransport}, a {@link
 * io.syncline.spi.SyncTransport} over a pluggable {@link
 * io.syncline.transport.http.HttpClientAdapter} ({@code java.net.http} by default, OkHttp on
 * Android). It needs jackson-core and nothing else: no Netty.
 *
 * <p>Server side: {@link io.syncline.transport.http.HttpSyncEndpoint}, the whole protocol as a
 * blocking request-to-response function that a host mounts into its own HTTP stack, and {@link
 * io.syncline.transport.http.HttpSyncServer}, which serves it standalone on Netty. Only {@code
 * HttpSyncServer} needs Netty ({@code io.netty:netty-codec-http} and {@code netty-handler},
 * optional dependencies of this artifact that a server host declares). Callers are authenticated by
 * an {@link io.syncline.spi.Authenticator}; what they may read and write is decided by the engine's
 * {@link io.syncline.spi.Authorizer}.
 *
 * <p>Every parameter and return value is non-null unless documented otherwise.
 */
package io.syncline.transport.http;
