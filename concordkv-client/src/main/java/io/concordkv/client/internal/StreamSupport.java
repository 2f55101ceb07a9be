package io.concordkv.client.internal;

import io.concordkv.client.internal.balance.BalancingStrategy;

/**
 * What a long-lived stream (watch, lease keep-alive) needs to pick an endpoint and reopen itself
 * after a break: the endpoints, the strategy, the backoff and the timer.
 *
 * @param maxResumes reopenings in a row, without a success between, before the stream gives up
 */
record StreamSupport(EndpointSet endpoints, BalancingStrategy strategy, Backoff backoff, DelayScheduler scheduler,
                     int maxResumes) {
}
