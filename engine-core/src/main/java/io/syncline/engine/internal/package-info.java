/**
 * How the engine works inside. Public only so that the engine's packages can share it; not an API:
 * anything here may change in any release.
 */
package io.syncline.engine.internal;
