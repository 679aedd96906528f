using MySqlConnector;
using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.Verification;

/// <summary>
/// How one table of a task is compared: its columns (the task's column selection), the key rows are matched
/// by, the row filter on the source, and each side's row hash.
///
/// The row hash is the first 64 bits of SHA1 over the row's values joined by 0xFF, with the key among them;
/// a chunk's checksum is the row count and the exact (DECIMAL) sum of its rows' hashes. Putting the key in
/// every row's hash is what makes the checksum order-aware: a row's position is its key, so a value moved to
/// another row changes two row hashes, and SHA1 is not linear, so the changes cancel in the sum only by a
/// 2^-64 chance. pt-table-checksum XORs CRC32s, which are linear: swapping a value between two rows of the
/// same length leaves its XOR unchanged. SHA1 costs the server little more than CRC32 does (MD5 measured
/// slower on MariaDB 10.11), and a sum needs no ORDER BY, so each chunk is one range scan on each side.
/// </summary>
internal sealed class TableComparePlan
{
    private TableComparePlan(TaskTable table, IReadOnlyList<ComparedColumn> columns, IReadOnlyList<int> keyIndexes, bool targetVersioned)
    {
        Table = table;
        _targetVersioned = targetVersioned;
        Columns = columns;
        KeyIndexes = keyIndexes;
        if (keyIndexes.Count > 0)
        {
            SourceKey = new ChunkKey(keyIndexes.Select(i => columns[i].Source).ToList());
            TargetKey = new ChunkKey(keyIndexes.Select(i => columns[i].Target).ToList());
        }
        SourceHash = Hash(Side.Source);
        TargetHash = Hash(Side.Target);
    }

    public TaskTable Table { get; }
    public TableMapping Mapping => Table.Mapping;
    public IReadOnlyList<ComparedColumn> Columns { get; }
    /// <summary>Positions in <see cref="Columns"/> of the key's columns; empty for a table compared as a multiset of rows.</summary>
    public IReadOnlyList<int> KeyIndexes { get; }
    public ChunkKey? SourceKey { get; }
    public ChunkKey? TargetKey { get; }
    public bool HasKey => SourceKey is not null;
    public string SourceHash { get; }
    public string TargetHash { get; }

    // Every row version of a system-versioned table is compared; the target holds them as plain rows until cut-over.
    private readonly bool _targetVersioned;
    public string SourceName => MySqlSyntax.AllRowsOf(Mapping.SourceDatabase, Mapping.SourceTable, Table.Schema.Versioning is not null);
    public string TargetName => MySqlSyntax.AllRowsOf(Mapping.TargetDatabase, Mapping.TargetTable, _targetVersioned);

    public string NameOf(Side side) => side == Side.Source ? SourceName : TargetName;
    public string HashOf(Side side) => side == Side.Source ? SourceHash : TargetHash;
    public ChunkKey KeyOf(Side side) => (side == Side.Source ? SourceKey : TargetKey)!;

    /// <summary>The source's row filter as a condition to AND in ("TRUE" on the target, which holds only filtered rows).</summary>
    public string Filter(Side side) => Filters(side) ? $"({Mapping.RowFilter})" : "TRUE";

    /// <summary>Whether <see cref="Filter"/> carries the task's row filter on this side: text a user wrote (see SingleStatement).</summary>
    public bool Filters(Side side) => side == Side.Source && !string.IsNullOrWhiteSpace(Mapping.RowFilter);

    /// <summary>The compare plan of a task table against the target table as it is; fails when the target lacks the table or a column.</summary>
    public static async Task<TableComparePlan> CreateAsync(MySqlConnection target, TaskTable table, CancellationToken cancellationToken) =>
        Create(table, await new MySqlSchemaReader(target).ReadTableAsync(table.Mapping.TargetDatabase, table.Mapping.TargetTable, cancellationToken).ConfigureAwait(false));

    /// <summary>The compare plan of a task table against the target table as read (null when the target lacks it).</summary>
    public static TableComparePlan Create(TaskTable table, TableSchema? target)
    {
        var mapping = table.Mapping;
        var targetSchema = target
            ?? throw new OmsException("TargetTableMissing", OmsErrorKind.NotFound, mapping.Target,
                $"Target table '{mapping.Target}' (of source table '{mapping.Source}') does not exist, so it cannot be verified. Migrate the schema first (-MigrationType Schema).");
        var moving = MovingColumns.Of(table.Schema, mapping);
        var columns = new List<ComparedColumn>();
        foreach (var column in moving)
        {
            var counterpart = targetSchema.Columns.FirstOrDefault(c => string.Equals(c.Name, column.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw new OmsException("TargetColumnMissing", OmsErrorKind.InvalidState, mapping.Target,
                    $"Target table '{mapping.Target}' has no column '{column.Name}', which the task moves from '{mapping.Source}'. Add the column to the target, or leave it out with Set-OmsTask -Column.");
            columns.Add(ComparedColumn.For(column, counterpart));
        }
        // Rows are matched by the source's key when every key column is compared; otherwise the table is a multiset of rows.
        var keyIndexes = new List<int>();
        if (table.Schema.RowKey is { } key)
            foreach (var part in key.Columns)
            {
                var index = columns.FindIndex(c => string.Equals(c.Name, part.Name, StringComparison.OrdinalIgnoreCase));
                if (index < 0) { keyIndexes.Clear(); break; }
                keyIndexes.Add(index);
            }
        return new TableComparePlan(table, columns, keyIndexes, targetSchema.Versioning is not null);
    }

    // CAST(CONV(LEFT(SHA1(v1 0xFF v2 0xFF ... 0xFF lengths), 16), 16, 10) AS UNSIGNED): 64 bits of the row's SHA1.
    private string Hash(Side side)
    {
        var parts = Columns.Select(c => c.HashElement(side)).Concat(Columns.Select(c => c.LengthMarker(side)).OfType<string>()).ToList();
        var input = parts.Count == 0 ? "''" : $"CONCAT_WS(CAST(X'FF' AS BINARY), {string.Join(", ", parts)})";
        return $"CAST(CONV(LEFT(SHA1({input}), 16), 16, 10) AS UNSIGNED)";
    }
}
