using OmsSync.Engine.Model;

namespace OmsSync.Engine.Ddl;

/// <summary>Table schemas under another name: a renamed table keeps its shape.</summary>
internal static class TableSchemaNames
{
    public static TableSchema Renamed(TableSchema table, string database, string name) => new()
    {
        Database = database,
        Name = name,
        Columns = table.Columns,
        Indexes = table.Indexes,
        Checks = table.Checks,
        Engine = table.Engine,
        Charset = table.Charset,
        Collation = table.Collation,
        Comment = table.Comment,
        AutoIncrement = table.AutoIncrement,
        ExtraOptions = table.ExtraOptions,
    };
}
