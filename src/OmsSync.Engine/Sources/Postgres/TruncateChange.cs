using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>A TRUNCATE of a published table, in its place among the transaction's row changes.</summary>
internal sealed class TruncateChange(string schema, string table) : BinlogChange(schema)
{
    public string Table { get; } = table;
}
