/**
 * Where a broadcaster sends what it resolved: the {@link dev.broadcast.core.driver.BroadcastDriver}
 * SPI and the {@link dev.broadcast.core.driver.ResolvedBroadcast} it is handed. The drivers this
 * project ships are made by {@link dev.broadcast.core.Broadcasters}.
 */
package dev.broadcast.core.driver;
