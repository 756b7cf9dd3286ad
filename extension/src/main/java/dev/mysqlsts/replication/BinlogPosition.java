package dev.mysqlsts.replication;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * A position in a source's binary log.
 *
 * @param file     the binlog file, for example {@code mysql-0-bin.000001}
 * @param position the byte offset in it
 */
@API(status = INTERNAL)
public record BinlogPosition(String file, long position) {

    @Override
    public String toString() {
        return file + ":" + position;
    }
}
