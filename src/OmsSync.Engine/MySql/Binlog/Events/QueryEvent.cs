using System.Text;
using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>A statement: BEGIN, COMMIT, ROLLBACK, a DDL, or (in statement-based logging) DML.</summary>
internal sealed class QueryEvent(BinlogEventHeader header, uint threadId, ushort errorCode, string database, string statement) : BinlogEvent(header)
{
    public uint ThreadId { get; } = threadId;
    public ushort ErrorCode { get; } = errorCode;
    /// <summary>The session's default database when the statement ran (empty when none).</summary>
    public string Database { get; } = database;
    public string Statement { get; } = statement;

    public bool IsBegin => Is("BEGIN");
    public bool IsCommit => Is("COMMIT");
    public bool IsRollback => Is("ROLLBACK");
    /// <summary>XA COMMIT ... ONE PHASE ends its transaction like COMMIT (two-phase XA is refused at XA_PREPARE).</summary>
    public bool IsXaCommit => Statement.StartsWith("XA COMMIT", StringComparison.OrdinalIgnoreCase);
    public bool IsXaRollback => Statement.StartsWith("XA ROLLBACK", StringComparison.OrdinalIgnoreCase);
    public bool IsXaOnePhase => IsXaCommit && Statement.TrimEnd().EndsWith("ONE PHASE", StringComparison.OrdinalIgnoreCase);
    public bool IsXaEnd => Statement.StartsWith("XA END", StringComparison.OrdinalIgnoreCase);
    public bool IsSavepoint =>
        Statement.StartsWith("SAVEPOINT", StringComparison.OrdinalIgnoreCase) ||
        Statement.StartsWith("ROLLBACK TO", StringComparison.OrdinalIgnoreCase) ||
        Statement.StartsWith("RELEASE SAVEPOINT", StringComparison.OrdinalIgnoreCase);

    private bool Is(string keyword) => Statement.Trim().Equals(keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>Post-header: thread id (4), execution time (4), database length (1), error code (2), status variables length (2).</summary>
    public static QueryEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body, int postHeaderLength, bool compressed = false)
    {
        var reader = new PacketReader(body);
        var threadId = reader.ReadUInt32();
        reader.Skip(4);
        var databaseLength = reader.ReadByte();
        var errorCode = reader.ReadUInt16();
        var statusLength = postHeaderLength >= 13 ? reader.ReadUInt16() : 0;
        reader.Skip(Math.Max(0, postHeaderLength - 13));
        reader.Skip(statusLength);
        var database = reader.ReadString(databaseLength);
        reader.Skip(1);
        var text = compressed ? MariaDbCompression.Decompress(reader.ReadRest()) : reader.ReadRest();
        return new QueryEvent(header, threadId, errorCode, database, Encoding.UTF8.GetString(text));
    }
}
