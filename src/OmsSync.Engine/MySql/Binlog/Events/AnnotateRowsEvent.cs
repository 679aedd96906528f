using System.Text;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>MariaDB ANNOTATE_ROWS (and MySQL ROWS_QUERY): the statement text that produced the following row events.</summary>
internal sealed class AnnotateRowsEvent(BinlogEventHeader header, string statement) : BinlogEvent(header)
{
    public string Statement { get; } = statement;

    public static AnnotateRowsEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body) =>
        header.Type == BinlogEventType.RowsQuery && body.Length > 0
            ? new(header, Encoding.UTF8.GetString(body[1..])) // one length byte, often truncated at 255: the rest is the text
            : new(header, Encoding.UTF8.GetString(body));
}
