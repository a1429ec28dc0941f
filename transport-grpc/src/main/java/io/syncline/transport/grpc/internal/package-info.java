/**
 * Internals of the gRPC transport: conversion between the generated messages and the SPI's value
 * types, the status mapping, the server's service, interceptors and rate limiter. Public for the
 * sake of the public package only; not an API, may change in any release.
 */
package io.syncline.transport.grpc.internal;
