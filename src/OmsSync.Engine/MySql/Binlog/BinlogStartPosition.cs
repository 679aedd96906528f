namespace OmsSync.Engine.MySql.Binlog;

/// <summary>Where a binlog stream starts: a file and offset, a MariaDB GTID list, or a MySQL GTID set.</summary>
public sealed class BinlogStartPosition
{
    private BinlogStartPosition() { }

    /// <summary>File name when starting by file and offset; null for GTID starts.</summary>
    public string? File { get; private init; }
    public long Position { get; private init; } = 4;
    /// <summary>MariaDB: the GTID list to start after (GTID start), or the state at <see cref="File"/>:<see cref="Position"/> (file start).</summary>
    public MariaDbGtidList? MariaDbGtids { get; private init; }
    /// <summary>MySQL: the GTID set already applied (GTID start), or the state at <see cref="File"/>:<see cref="Position"/> (file start).</summary>
    public MySqlGtidSet? MySqlGtids { get; private init; }

    public bool IsGtidStart => File is null;

    /// <summary>
    /// Start at a file offset (4 = the start of the file). <paramref name="gtidsAtPosition"/> is the
    /// GTID state at that point, if known, so end positions carry a complete GTID state.
    /// </summary>
    public static BinlogStartPosition FromFile(string file, long position = 4, string? gtidsAtPosition = null, BinlogServerFlavor flavor = BinlogServerFlavor.MariaDb)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        if (position < 4 || position > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(position), position, "A binlog offset is at least 4 and below 4 GB.");
        return new BinlogStartPosition
        {
            File = file,
            Position = position,
            MariaDbGtids = gtidsAtPosition is not null && flavor == BinlogServerFlavor.MariaDb ? MariaDbGtidList.Parse(gtidsAtPosition) : null,
            MySqlGtids = gtidsAtPosition is not null && flavor == BinlogServerFlavor.MySql ? MySqlGtidSet.Parse(gtidsAtPosition) : null,
        };
    }

    /// <summary>MariaDB: start after the transactions named by the list (as @@gtid_slave_pos or a checkpoint gives it).</summary>
    public static BinlogStartPosition FromMariaDbGtids(MariaDbGtidList gtids) => new() { MariaDbGtids = gtids };

    public static BinlogStartPosition FromMariaDbGtids(string gtids) => FromMariaDbGtids(MariaDbGtidList.Parse(gtids));

    /// <summary>MySQL: start with the first transaction not in the set (as @@gtid_executed or a checkpoint gives it).</summary>
    public static BinlogStartPosition FromMySqlGtids(MySqlGtidSet executed) => new() { MySqlGtids = executed };

    public static BinlogStartPosition FromMySqlGtids(string executed) => FromMySqlGtids(MySqlGtidSet.Parse(executed));

    /// <summary>Resume exactly where a checkpoint left off, on the same server (file and offset, with its GTID state).</summary>
    public static BinlogStartPosition FromCheckpoint(BinlogPosition checkpoint) =>
        FromFile(checkpoint.File, checkpoint.Position, checkpoint.Gtids, checkpoint.Flavor);

    public override string ToString() =>
        File is not null ? $"{File}:{Position}" : MariaDbGtids?.ToString() ?? MySqlGtids?.ToString() ?? "";
}
