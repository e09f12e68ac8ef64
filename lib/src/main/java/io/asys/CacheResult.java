package io.asys;

/** Where a read's data came from: all from the page cache, part of it, or none (the device). */
public enum CacheResult {
    HIT, PARTIAL, MISS
}
