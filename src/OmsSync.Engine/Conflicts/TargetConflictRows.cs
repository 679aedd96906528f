using System.Data.Common;
using System.Text;
using System.Text.Json;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.Conflicts;

/// <summary>
/// One table of a real target as conflict resolution reads it, inside the apply transaction: locking reads of the row at
/// a key and of the rows holding a unique key value, each compared with the change's images in SQL. What the reads are
/// is the same on every kind of target; each kind gives its SQL pieces, how it runs a command, and its writes.
/// </summary>
internal abstract class TargetConflictRows : IConflictRows
{
    private readonly TableApplyPlan _plan;
    private readonly (string Name, int Index)? _stamp;

    protected TargetConflictRows(TableApplyPlan plan)
    {
        _plan = plan;
        // Asked for here, so a timestamp column that does not fit the rule stops the first conflict that needs it.
        _stamp = plan.NewerWinsTimestamp;
    }

    /// <summary>The source table's apply plan.</summary>
    protected TableApplyPlan Plan => _plan;

    public string Table => _plan.Table.Mapping.Target;

    public bool HasOtherUniqueKeys => _plan.OtherUniqueKeys.Count > 0;

    public string KeyJson(IReadOnlyList<object?> image) => DisplayForm.KeyJson(_plan, image);

    public string RowJson(IReadOnlyList<object?> image) => DisplayForm.RowJson(_plan, image);

    public VersionStamp StampOf(IReadOnlyList<object?> image) => _stamp is { } s ? VersionStamp.Of(image[s.Index]) : VersionStamp.Null;

    public async Task<HeldRow?> ReadAsync(IReadOnlyList<object?> keyImage, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after,
        CancellationToken cancellationToken)
    {
        var where = new StringBuilder();
        KeyCondition(where, keyImage);
        // A keyless table may hold twins of the row: the first is the one settled, and the only one locked.
        var rows = await SelectAsync(where.ToString(), before, after, "LIMIT 1", cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<HeldRow>> HoldersAsync(IReadOnlyList<object?> image, CancellationToken cancellationToken)
    {
        var found = new List<HeldRow>();
        var own = new StringBuilder();
        KeyCondition(own, image);
        // A unique key holds at most one row per value, so its value and "not this key" name that row exactly.
        foreach (var key in _plan.OtherUniqueKeys)
        {
            if (key.Any(c => image[c.Index] is null)) continue; // NULL never collides
            var where = new StringBuilder("(");
            for (var i = 0; i < key.Count; i++)
            {
                if (i > 0) where.Append(" AND ");
                ColumnEquals(where, key[i], image[key[i].Index]);
            }
            where.Append(") AND NOT (").Append(own).Append(')');
            // A row holding values of two of the keys is found twice, under two conditions; its text is the same both times.
            foreach (var row in await SelectAsync(where.ToString(), null, null, "", cancellationToken).ConfigureAwait(false))
                if (found.All(f => f.Json != row.Json)) found.Add(row);
        }
        return found;
    }

    public abstract Task<bool> TryInsertAsync(IReadOnlyList<object?> after, CancellationToken cancellationToken);

    public abstract Task<bool> TryUpdateAsync(HeldRow row, IReadOnlyList<object?> after, CancellationToken cancellationToken);

    public abstract Task DeleteAsync(HeldRow row, CancellationToken cancellationToken);

    /// <summary>The table on the target, quoted.</summary>
    protected abstract string Target { get; }

    /// <summary>The row's key (all columns for a keyless table) as a condition.</summary>
    protected abstract void KeyCondition(StringBuilder sql, IReadOnlyList<object?> image);

    /// <summary>A condition true when the row holds exactly this image in every moving column (NULL matching NULL).</summary>
    protected abstract void ImageCondition(StringBuilder sql, IReadOnlyList<object?> image);

    /// <summary>"column = value", for a unique key's column (of the plan's columns) and a value that is not NULL.</summary>
    protected abstract void ColumnEquals(StringBuilder sql, (string Name, int Index) column, object? value);

    /// <summary>The column of the plan's as text the way the server prints it.</summary>
    protected abstract string AsText((string Name, int Index) column);

    /// <summary>The columns a found row is shown with in the conflict log: name, and the expression that shows it.</summary>
    protected abstract IEnumerable<(string Name, string Expression)> Shown();

    /// <summary>An expression naming a found row by an id of its own (a tuple id), or "NULL" where rows have none.</summary>
    protected abstract string RowId { get; }

    /// <summary>The condition that finds a row again: by its id, or by the condition it was found by when it has none.</summary>
    protected abstract string FindAgain(string where, string? id);

    /// <summary>A command inside the apply transaction.</summary>
    protected abstract DbCommand Command(string sql);

    protected virtual Task<DbDataReader> ReaderAsync(DbCommand command, CancellationToken cancellationToken) => command.ExecuteReaderAsync(cancellationToken);

    protected virtual Task<int> ExecuteAsync(DbCommand command, CancellationToken cancellationToken) => command.ExecuteNonQueryAsync(cancellationToken);

    protected async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        return await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
    }

    // Locking reads of rows: whether each equals the before and after images, its NewerWins timestamp as the server prints it, its id, and its text.
    private async Task<List<HeldRow>> SelectAsync(string where, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, string limit,
        CancellationToken cancellationToken)
    {
        var shown = Shown().ToList();
        var sql = new StringBuilder("SELECT ");
        Flag(sql, before);
        sql.Append(", ");
        Flag(sql, after);
        sql.Append(", ").Append(_stamp is { } s ? AsText(s) : "NULL").Append(", ").Append(RowId);
        foreach (var (_, expression) in shown)
            sql.Append(", ").Append(expression);
        sql.Append(" FROM ").Append(Target).Append(" WHERE ").Append(where).Append(' ').Append(limit).Append(" FOR UPDATE");
        await using var command = Command(sql.ToString());
        await using var reader = await ReaderAsync(command, cancellationToken).ConfigureAwait(false);
        var rows = new List<HeldRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new Dictionary<string, string?>();
            for (var i = 0; i < shown.Count; i++)
                row[shown[i].Name] = reader.IsDBNull(4 + i) ? null : reader.GetString(4 + i);
            // A comparison comes back as a number from a MySQL-family server and as a boolean from PostgreSQL.
            rows.Add(new HeldRow(Convert.ToBoolean(reader.GetValue(0)), Convert.ToBoolean(reader.GetValue(1)),
                VersionStamp.Parse(reader.IsDBNull(2) ? null : reader.GetString(2)),
                FindAgain(where, reader.IsDBNull(3) ? null : reader.GetString(3)), JsonSerializer.Serialize(row)));
        }
        return rows;
    }

    private void Flag(StringBuilder sql, IReadOnlyList<object?>? image)
    {
        if (image is null) sql.Append("FALSE");
        else ImageCondition(sql, image);
    }
}
