/**
 * The Syncline engine: {@link io.syncline.engine.SyncEngine} and what apps configure it with.
 *
 * <p>Every parameter and return value is non-null unless its documentation says otherwise.
 */
package io.syncline.engine;
