/**
 * Internals of the HTTP transport: the JSON codec, status mapping, gzip and Netty glue. Public for
 * the sake of the public package only; not an API, may change in any release. {@code
 * NettyHttpHandler} is the only class here that needs Netty.
 */
package io.syncline.transport.http.internal;
