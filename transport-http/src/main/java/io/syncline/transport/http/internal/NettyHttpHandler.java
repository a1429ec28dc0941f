package io.syncline.transport.http.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.syncline.transport.http.HttpSyncEndpoint;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Netty glue for {@link HttpSyncEndpoint}: copies each aggregated request out of Netty, runs the
 * endpoint on the worker executor (never on an event loop, since the handler blocks), and writes
 * the answer. One request at a time per connection: reading pauses until the response is written,
 * so pipelined requests are answered in order.
 *
 * <p>Needs netty-codec-http and netty-handler on the class path.
 */
@JvmOnly
public final class NettyHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final HttpSyncEndpoint endpoint;
  private final Executor executor;

  public NettyHttpHandler(HttpSyncEndpoint endpoint, Executor executor) {
    this.endpoint = endpoint;
    this.executor = executor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
    if (!msg.decoderResult().isSuccess()) {
      Throwable cause = msg.decoderResult().cause();
      int status =
          cause instanceof TooLongHttpLineException
              ? 414
              : cause instanceof TooLongHttpHeaderException
                  ? 431
                  : cause instanceof TooLongFrameException ? 413 : 400;
      writeError(ctx, status, "malformed HTTP request: " + cause.getMessage());
      return;
    }
    String uri = msg.uri();
    int q = uri.indexOf('?');
    Map<String, String> headers = new TreeMap<>();
    for (Map.Entry<String, String> h : msg.headers()) {
      headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b);
    }
    HttpSyncEndpoint.Request request =
        new HttpSyncEndpoint.Request(
            msg.method().name(),
            q < 0 ? uri : uri.substring(0, q),
            q < 0 ? null : uri.substring(q + 1),
            headers,
            ByteBufUtil.getBytes(msg.content()),
            String.valueOf(ctx.channel().remoteAddress()));
    boolean keepAlive = HttpUtil.isKeepAlive(msg);
    ctx.channel().config().setAutoRead(false);
    try {
      executor.execute(() -> write(ctx, endpoint.handle(request), keepAlive));
    } catch (RejectedExecutionException e) {
      writeError(ctx, 503, "server busy");
    }
  }

  private static void write(ChannelHandlerContext ctx, HttpSyncEndpoint.Response r, boolean keep) {
    if (!ctx.channel().isActive()) {
      return; // the caller went away (or the server is closing): nobody to answer
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            Unpooled.wrappedBuffer(r.body()));
    r.headers().forEach((k, v) -> response.headers().set(k, v));
    HttpUtil.setContentLength(response, r.body().length);
    if (keep) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response)
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  ctx.channel().config().setAutoRead(true);
                } else {
                  ctx.close();
                }
              });
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Writes a JSON error and closes the connection: what follows on it cannot be trusted. */
  static void writeError(ChannelHandlerContext ctx, int status, String message) {
    String code =
        switch (status) {
          case 413 -> ErrorCodes.TOO_LARGE;
          case 503 -> ErrorCodes.UNAVAILABLE;
          default -> ErrorCodes.INVALID_ARGUMENT;
        };
    byte[] body = WireCodec.encodeError(code, message, List.of(), 0, status == 503 ? 1 : -1);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (status == 503) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    }
    HttpUtil.setContentLength(response, body.length);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** An aggregator that answers an oversized body with the protocol's JSON 413 and closes. */
  @JvmOnly
  public static final class Aggregator extends HttpObjectAggregator {
    private final long max;

    public Aggregator(int maxContentLength) {
      super(maxContentLength, true);
      this.max = maxContentLength;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      writeError(ctx, 413, "request body exceeds " + max + " bytes");
    }
  }
}
