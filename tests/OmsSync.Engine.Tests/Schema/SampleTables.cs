using OmsSync.Engine.Model;

namespace OmsSync.Engine.Tests.Schema;

internal static class SampleTables
{
    public static ColumnSchema Column(string name, string columnType, bool nullable = true, string? defaultSql = null, int ordinal = 1) => new()
    {
        Name = name,
        Ordinal = ordinal,
        DataType = columnType.Split('(', ' ')[0],
        ColumnType = columnType,
        Nullable = nullable,
        DefaultSql = defaultSql,
    };

    public static IndexSchema Index(string name, IndexKind kind, params string[] columns) => new()
    {
        Name = name,
        Kind = kind,
        Columns = columns.Select(c => new IndexColumn(c, null)).ToList(),
    };

    /// <summary>shop.orders: id (pk, auto-increment), customer, note, total, a generated column, several indexes and checks.</summary>
    public static TableSchema Orders() => new()
    {
        Database = "shop",
        Name = "orders",
        Columns =
        [
            new ColumnSchema { Name = "id", Ordinal = 1, DataType = "bigint", ColumnType = "bigint(20) unsigned", AutoIncrement = true },
            Column("customer", "int(11)", nullable: false, ordinal: 2),
            new ColumnSchema { Name = "note", Ordinal = 3, DataType = "varchar", ColumnType = "varchar(100)", Nullable = true, DefaultSql = "'it''s'", Charset = "utf8mb4", Collation = "utf8mb4_bin", Comment = "a 'note'" },
            Column("total", "decimal(10,2)", nullable: false, defaultSql: "0.00", ordinal: 4),
            new ColumnSchema { Name = "total x2", Ordinal = 5, DataType = "decimal", ColumnType = "decimal(11,2)", Nullable = true, GenerationExpression = "`total` * 2", GeneratedStored = true },
            new ColumnSchema { Name = "changed", Ordinal = 6, DataType = "timestamp", ColumnType = "timestamp(6)", DefaultSql = "current_timestamp(6)", OnUpdateSql = "current_timestamp(6)" },
            new ColumnSchema { Name = "body", Ordinal = 7, DataType = "text", ColumnType = "text", Nullable = true, DefaultSql = "NULL", Charset = "latin1", Collation = "latin1_swedish_ci" },
        ],
        Indexes =
        [
            Index("PRIMARY", IndexKind.Primary, "id"),
            Index("uq_customer_total", IndexKind.Unique, "customer", "total"),
            new IndexSchema { Name = "by note", Kind = IndexKind.Secondary, Columns = [new IndexColumn("note", 10, true)], Method = "BTREE", Comment = "prefix" },
            Index("ft_body", IndexKind.FullText, "body"),
            Index("by_customer", IndexKind.Secondary, "customer"),
        ],
        Checks = [new CheckConstraint("positive", "`total` >= 0"), new CheckConstraint("note_len", "char_length(`note`) > 0")],
        Engine = "InnoDB",
        Charset = "latin1",
        Collation = "latin1_swedish_ci",
        Comment = "orders' table",
        AutoIncrement = 1000,
    };
}
