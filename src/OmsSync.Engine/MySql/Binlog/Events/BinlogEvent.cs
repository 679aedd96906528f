namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>A decoded binlog event; one sealed subclass per event kind the reader acts on.</summary>
internal abstract class BinlogEvent
{
    protected BinlogEvent(BinlogEventHeader header) => Header = header;

    public BinlogEventHeader Header { get; }
}

/// <summary>An event the reader does not act on (INTVAR, RAND, USER_VAR, PREVIOUS_GTIDS, unknown types ...).</summary>
internal sealed class SkippedEvent(BinlogEventHeader header) : BinlogEvent(header);
