package io.syncline.transport.grpc.internal;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.syncline.spi.Authenticator;
import io.syncline.spi.CallContext;
import io.syncline.spi.Protocol;
import io.syncline.spi.SyncException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * The first thing every call meets on the server: checks the protocol version ({@code
 * FAILED_PRECONDITION}), authenticates the bearer token ({@code UNAUTHENTICATED}, {@code
 * PERMISSION_DENIED}), and applies the peer's rate ({@code RESOURCE_EXHAUSTED} with a retry delay).
 * A call that passes carries its {@link CallContext} in {@link #CALLER}. A refused call is closed
 * before any of its messages is read.
 */
@JvmOnly
public final class CallGate implements ServerInterceptor {
  /** The authenticated caller of the current call. */
  public static final Context.Key<CallContext> CALLER = Context.key("syncline-caller");

  private final Authenticator authenticator;
  private final RateLimiter rate;
  private final Duration busyRetryAfter;

  public CallGate(Authenticator authenticator, RateLimiter rate, Duration busyRetryAfter) {
    this.authenticator = authenticator;
    this.rate = rate;
    this.busyRetryAfter = busyRetryAfter;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String remote = remote(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    StatusMapping.Closing refusal;
    CallContext caller = null;
    try {
      checkProtocol(headers.get(StatusMapping.PROTOCOL));
      String principal =
          authenticator.authenticate(token(headers.get(StatusMapping.AUTHORIZATION)));
      caller = new CallContext(principal, remote);
      String peer = principal != null ? "p:" + principal : "a:" + hostOf(remote);
      if (rate.tryAcquire(peer)) {
        refusal = null;
      } else {
        refusal =
            StatusMapping.toStatus(
                new SyncException(
                    SyncException.Code.RESOURCE_EXHAUSTED,
                    "rate limit: too many calls from this peer",
                    null,
                    busyRetryAfter),
                busyRetryAfter);
      }
    } catch (SyncException e) {
      refusal = StatusMapping.toStatus(e, busyRetryAfter);
    } catch (RuntimeException e) {
      refusal =
          new StatusMapping.Closing(
              Status.UNAVAILABLE.withDescription("the authenticator failed"), new Metadata());
    }
    if (refusal != null) {
      call.close(refusal.status(), refusal.trailers());
      return new ServerCall.Listener<Q>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }

  /** Whether {@code peer} may make one more call or push one more batch now. */
  public boolean admit(CallContext caller) {
    String peer =
        caller.principal() != null
            ? "p:" + caller.principal()
            : "a:" + hostOf(caller.remoteAddress());
    return rate.tryAcquire(peer);
  }

  private static void checkProtocol(String value) {
    if (value == null) {
      throw new SyncException(
          SyncException.Code.PROTOCOL,
          "missing metadata syncline-protocol; this server speaks version " + Protocol.VERSION);
    }
    if (!value.trim().equals(Integer.toString(Protocol.VERSION))) {
      throw new SyncException(
          SyncException.Code.PROTOCOL,
          "protocol version \""
              + abbreviate(value)
              + "\" is not supported; this server speaks version "
              + Protocol.VERSION);
    }
  }

  private static String token(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.trim();
    if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new SyncException(
          SyncException.Code.UNAUTHENTICATED,
          "the authorization metadata must use the Bearer scheme");
    }
    String token = a.substring(7).trim();
    if (token.isEmpty()) {
      throw new SyncException(SyncException.Code.UNAUTHENTICATED, "the bearer token is empty");
    }
    return token;
  }

  private static String remote(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return address == null ? null : address.toString();
  }

  private static String hostOf(String remote) {
    if (remote == null) {
      return "unknown";
    }
    int colon = remote.lastIndexOf(':');
    return colon > 0 ? remote.substring(0, colon) : remote;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
