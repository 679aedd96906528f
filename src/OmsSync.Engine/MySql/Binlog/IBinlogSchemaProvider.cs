using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// Supplies table definitions for decoding row events (column names, signedness and charsets the
/// binlog may not carry). A provider keyed by binlog position avoids decoding old rows with a
/// newer schema after DDL.
/// </summary>
public interface IBinlogSchemaProvider
{
    /// <summary>The table as it was at <paramref name="position"/> (the boundary before the rows' transaction); null when unknown.</summary>
    ValueTask<TableSchema?> GetTableAsync(string database, string table, BinlogPosition position, CancellationToken cancellationToken);

    /// <summary>Called when a DDL has been read, before it is handed on; <paramref name="position"/> is the boundary after it.</summary>
    ValueTask OnDdlAsync(string database, string statement, BinlogPosition position, CancellationToken cancellationToken);
}
