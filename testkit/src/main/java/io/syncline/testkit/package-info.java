/**
 * Test support for Syncline and for authors of its adapters: the store contract suite ({@link
 * io.syncline.testkit.StoreContractTest}), an in-process transport that fails on command ({@link
 * io.syncline.testkit.LoopbackTransport}) and a clock tests drive by hand ({@link
 * io.syncline.testkit.FakeClock}).
 */
package io.syncline.testkit;
