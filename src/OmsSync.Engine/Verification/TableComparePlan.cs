using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Verification;

/// <summary>The hash both servers take of a row's comparable values; each server must compute it in SQL.</summary>
internal enum RowHash
{
    /// <summary>
    /// SHA1 with its 64 bits read as the CRC32 and the CRC32C of its text, one word each (MariaDB 10.8 and later have
    /// CRC32C): two different linear maps of a digest are as random as its first 64 bits, and two CRCs cost the server a
    /// fraction of the hex-to-integer conversion the other hashes need.
    /// </summary>
    Sha1Crc,
    /// <summary>SHA1: cheap on MySQL-family servers (MD5 measured slower on MariaDB 10.11).</summary>
    Sha1,
    /// <summary>MD5: the digest PostgreSQL computes without extensions (it has no SHA1 of its own).</summary>
    Md5,
}

/// <summary>
/// How one table of a task is compared: its columns (the task's column selection) and the form each is compared in,
/// the key rows are matched by, the row filter on the source, and the hash both sides take of a row. Each kind of
/// server writes its own SQL for the plan (see <see cref="IVerificationSide"/>).
///
/// The row hash is the first 64 bits of a digest over the row's comparable values joined by 0xFF, with the key among
/// them; a chunk's checksum is the row count and the exact sum of its rows' hashes. Putting the key in every row's
/// hash is what makes the checksum order-aware: a row's position is its key, so a value moved to another row changes
/// two row hashes, and the digest is not linear, so the changes cancel in the sum only by a 2^-64 chance.
/// pt-table-checksum XORs CRC32s, which are linear: swapping a value between two rows of the same length leaves its
/// XOR unchanged. A sum needs no ORDER BY, so each chunk is one range scan on each side.
/// </summary>
internal sealed class TableComparePlan
{
    private TableComparePlan(TaskTable table, IReadOnlyList<ComparedColumn> columns, IReadOnlyList<int> keyIndexes, RowHash hash, bool targetVersioned, bool filtersTarget)
    {
        Table = table;
        _filtersTarget = filtersTarget;
        TargetVersioned = targetVersioned;
        Columns = columns;
        KeyIndexes = keyIndexes;
        KeyColumns = keyIndexes.Select(i => columns[i]).ToList();
        Hash = hash;
    }

    public TaskTable Table { get; }
    public TableMapping Mapping => Table.Mapping;
    public IReadOnlyList<ComparedColumn> Columns { get; }
    /// <summary>The compared columns a repair writes: all but the generated ones the target computes itself, which it refuses to be given.</summary>
    public IReadOnlyList<ComparedColumn> Written => Columns.Where(c => !c.Source.IsGenerated).ToList();
    /// <summary>Positions in <see cref="Columns"/> of the key's columns; empty for a table compared as a multiset of rows.</summary>
    public IReadOnlyList<int> KeyIndexes { get; }
    public bool HasKey => KeyIndexes.Count > 0;
    public RowHash Hash { get; }

    /// <summary>
    /// Whether the side's table is system-versioned: every row version of it is compared (FOR SYSTEM_TIME ALL), since the
    /// target holds them as plain rows until cut-over.
    /// </summary>
    public bool Versioned(Side side) => side == Side.Source ? Table.Schema.Versioning is not null : TargetVersioned;
    private bool TargetVersioned { get; }

    /// <summary>The key's columns (incremental verification reads them for every row image of every change).</summary>
    public IReadOnlyList<ComparedColumn> KeyColumns { get; }

    /// <summary>
    /// Whether the side's queries carry the task's row filter, text a user wrote: on the source (the target of a task that
    /// moves rows holds only filtered rows), and on the target too for a task that only compares (<see cref="MigrationTask.ComparesOnly"/>).
    /// </summary>
    public bool Filters(Side side) => (side == Side.Source || _filtersTarget) && !string.IsNullOrWhiteSpace(Mapping.RowFilter);
    private readonly bool _filtersTarget;

    /// <summary>The side's row filter as a condition to AND in, in either kind's SQL ("TRUE" where it has none).</summary>
    public string Filter(Side side) => Filters(side) ? $"({Mapping.RowFilter})" : "TRUE";

    /// <summary>The compare plan of a task table against the target table as read (null when the target lacks it).</summary>
    /// <param name="filtersTarget">Whether the row filter also applies to the target (a task that only compares).</param>
    public static TableComparePlan Create(TaskTable table, TableSchema? target, IVerificationSide source, IVerificationSide targetSide, bool filtersTarget = false)
    {
        var mapping = table.Mapping;
        var targetSchema = target
            ?? throw new OmsException("TargetTableMissing", OmsErrorKind.NotFound, mapping.Target,
                $"Target table '{mapping.Target}' (of source table '{mapping.Source}') does not exist, so it cannot be verified. Migrate the schema first (-MigrationType Schema).");
        var stored = source.StoresLike(targetSide);
        var columns = new List<ComparedColumn>();
        foreach (var column in MovingColumns.Compared(table.Schema, mapping))
        {
            var counterpart = targetSchema.Columns.FirstOrDefault(c => string.Equals(c.Name, column.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw new OmsException("TargetColumnMissing", OmsErrorKind.InvalidState, mapping.Target,
                    $"Target table '{mapping.Target}' has no column '{column.Name}', which the task moves from '{mapping.Source}'. Add the column to the target, or leave it out with Set-OmsTask -Column.");
            var form = stored
                ? source.StoredForm(column)
                : ValueForms.Join(source.FormOf(table.Schema, column), targetSide.FormOf(targetSchema, counterpart));
            columns.Add(new ComparedColumn(column, counterpart, form));
        }
        // Rows are matched by the source's key when every key column is compared (in a form whose text reads back the
        // same on both sides); otherwise the table is a multiset of rows.
        var keyIndexes = new List<int>();
        if (table.Schema.RowKey is { } key)
            foreach (var part in key.Columns)
            {
                var index = columns.FindIndex(c => string.Equals(c.Name, part.Name, StringComparison.OrdinalIgnoreCase));
                if (index < 0 || !stored && !ValueForms.Keyable(columns[index].Form)) { keyIndexes.Clear(); break; }
                keyIndexes.Add(index);
            }
        var hash = new[] { RowHash.Sha1Crc, RowHash.Sha1 }.FirstOrDefault(h => source.Computes(h) && targetSide.Computes(h), RowHash.Md5);
        return new TableComparePlan(table, columns, keyIndexes, hash, targetSchema.Versioning is not null, filtersTarget);
    }
}
