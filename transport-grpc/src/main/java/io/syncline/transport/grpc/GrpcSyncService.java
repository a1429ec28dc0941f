package io.syncline.transport.grpc;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.syncline.spi.Authenticator;
import io.syncline.spi.SyncHandler;
import io.syncline.transport.grpc.internal.CallGate;
import io.syncline.transport.grpc.internal.JvmOnly;
import io.syncline.transport.grpc.internal.RateLimiter;
import io.syncline.transport.grpc.internal.SyncService;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The sync service of {@code syncline_sync.proto} ({@code syncline.v1.Sync}) over a {@link
 * SyncHandler}, ready to add to any gRPC server: {@link GrpcSyncServer} runs it standalone on
 * Netty; a host with its own gRPC server (or an in-process one in tests) adds {@link
 * #serviceDefinition()}.
 *
 * <pre>{@code
 * GrpcSyncService sync =
 *     GrpcSyncService.builder()
 *         .handler(engine.handler())
 *         .authenticator(token -> users.principalFor(token))
 *         .executor(workers)
 *         .build();
 * Server server = NettyServerBuilder.forPort(9090).addService(sync.serviceDefinition())
 *     .maxInboundMessageSize(sync.limits().maxMessageBytes()).build().start();
 * }</pre>
 *
 * <p>Each call passes, in order: the protocol version check ({@code FAILED_PRECONDITION}), the
 * {@link Authenticator} ({@code UNAUTHENTICATED}, {@code PERMISSION_DENIED}), the peer's rate
 * ({@code RESOURCE_EXHAUSTED} with a retry delay), decoding and validation ({@code
 * INVALID_ARGUMENT}); only then does the handler see it, and the engine's {@code Authorizer}
 * decides per scope and record. The status mapping is documented in {@code docs/grpc-protocol.md}.
 *
 * <p>Thread-safe. The handler blocks; it runs on the gRPC server's executor, and live streams read
 * the feed on {@link Builder#executor}. Set the server's {@code maxInboundMessageSize} to {@link
 * GrpcServerLimits#maxMessageBytes()}; {@link GrpcSyncServer} does.
 */
@JvmOnly
public final class GrpcSyncService {
  private final GrpcServerLimits limits;
  private final ServerServiceDefinition definition;

  private GrpcSyncService(Builder b) {
    this.limits = b.limits;
    CallGate gate =
        new CallGate(
            b.authenticator,
            new RateLimiter(
                b.limits.requestsPerSecond(), b.limits.requestBurst(), 100_000, System::nanoTime),
            b.limits.busyRetryAfter());
    SyncService service = new SyncService(b.handler, b.limits, gate, b.executor, b.gzip);
    this.definition = ServerInterceptors.intercept(service.definition(), gate);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The service with its interceptors, to add to a gRPC server. */
  public ServerServiceDefinition serviceDefinition() {
    return definition;
  }

  /** The limits this service enforces. */
  public GrpcServerLimits limits() {
    return limits;
  }

  /**
   * Builds a {@link GrpcSyncService}. Handler, authenticator and executor are required; the
   * authenticator must be chosen explicitly ({@link Authenticator#ANONYMOUS} on purpose, never by
   * default).
   */
  @JvmOnly
  public static final class Builder {
    private SyncHandler handler;
    private Authenticator authenticator;
    private Executor executor;
    private GrpcServerLimits limits = GrpcServerLimits.DEFAULT;
    private boolean gzip;

    private Builder() {}

    /** The engine's server side, usually {@code SyncEngine.handler()}. Required. */
    public Builder handler(SyncHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler == null");
      return this;
    }

    /** Who the callers are. Required. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
      return this;
    }

    /** Where live streams read the feed (they may block briefly). Required. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /** Bounds (default {@link GrpcServerLimits#DEFAULT}). */
    public Builder limits(GrpcServerLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits == null");
      return this;
    }

    /** Whether to gzip the feed pages of pulls and live streams (default false). */
    public Builder gzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /**
     * Builds the service.
     *
     * @throws IllegalStateException naming what is missing
     */
    public GrpcSyncService build() {
      if (handler == null) {
        throw new IllegalStateException("handler is not set");
      }
      if (authenticator == null) {
        throw new IllegalStateException(
            "authenticator is not set (use Authenticator.ANONYMOUS to admit everybody)");
      }
      if (executor == null) {
        throw new IllegalStateException("executor is not set");
      }
      return new GrpcSyncService(this);
    }
  }
}
