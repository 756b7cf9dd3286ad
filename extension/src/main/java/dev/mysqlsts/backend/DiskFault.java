package dev.mysqlsts.backend;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/** What {@code faults.diskFull(n)} and {@code faults.ioErrors(n)} make a pod's disk do. */
@API(status = INTERNAL)
public enum DiskFault {

    /** Writes that append to a file fail with ENOSPC, as on a full disk. */
    FULL("disk-full"),

    /** Writes and syncs fail with EIO, as on a failing disk. */
    IO_ERRORS("io-errors");

    private final String kind;

    DiskFault(String kind) {
        this.kind = kind;
    }

    /** The kind {@code faults.history()} records: {@code disk-full} or {@code io-errors}. */
    public String kind() {
        return kind;
    }
}
