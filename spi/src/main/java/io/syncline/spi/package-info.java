/**
 * The contracts of Syncline: the value types every part agrees on and the interfaces that stores,
 * transports, schedulers, change sources, conflict resolvers and clocks implement.
 *
 * <p>This package depends on the JDK only. Every value type is immutable and validates its
 * arguments on construction. Every parameter and return value is non-null unless its documentation
 * says it may be null.
 *
 * <p>SPI methods are synchronous: they block and throw. The engine owns the threads and calls them
 * from its own executors; implementations never need callbacks, except for push-shaped traffic (a
 * live stream), which uses a listener and returns a {@link io.syncline.spi.Cancellable}.
 */
package io.syncline.spi;
