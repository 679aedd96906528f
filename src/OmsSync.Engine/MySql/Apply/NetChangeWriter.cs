using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Changes;
using System.Runtime.CompilerServices;
using System.Text;
using MySqlConnector;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Apply;

/// <summary>
/// The fast way to write a chunk of strict changes: since the chunk commits as one target transaction, only each
/// row's net effect is visible, so the changes are folded per row (first state: present or absent; final image or
/// gone) and written with a few multi-row statements per table instead of one statement per change.
/// </summary>
/// <remarks>
/// Every row's expected starting state is checked by the same statements that write it: the DELETE must remove
/// exactly the rows expected present, the rows to update must all be there (counted under a lock), a row expected
/// absent must not be there, and the multi-row INSERT fails on a duplicate. When any check fails, the chunk is
/// rolled back to a savepoint and the caller writes it change by change, where conflicts are judged one by one
/// in source order. So the fast way either writes exactly what the per-change way would, or nothing.
/// Only tables whose row key is their only unique key on both sides qualify (an upsert could otherwise land on
/// another row), with key values that compare byte for byte, and without a rule that checks before-images.
/// A table without a key qualifies while the chunk only inserts into it (a log, a ledger) and the target has no
/// unique key on it: its rows are appended as they come, which is all the per-change way would do.
/// </remarks>
internal sealed class NetChangeWriter
{
    // Below this, one statement per change costs no more than the checks.
    private const int MinChanges = 32;
    private const int MaxStatementChars = 1 << 20;
    private const int MaxCommandChars = 4 << 20;
    private const int MaxSkip = 64;

    // Per plan (a new plan comes with every schema change): the target's index of the row key when it is its only unique key
    // ("" without a key and without unique keys), or null when the fast way does not qualify.
    private readonly Dictionary<TableApplyPlan, string?> _targetKeyChecked = new(ReferenceEqualityComparer.Instance);
    private int _skip;
    private int _skipAfterFailure = 1;
    private static long _written, _declined, _small;

    /// <summary>Chunks this process wrote by their net effect, and chunks that went change by change after a failed check.</summary>
    public static (long Written, long Declined) Counts => (Interlocked.Read(ref _written), Interlocked.Read(ref _declined));

    /// <summary>Chunks too small for the fast way, written change by change.</summary>
    public static long Small => Interlocked.Read(ref _small);

    /// <summary>Writes the changes' net effect and returns true, or leaves the target untouched and returns false.</summary>
    /// <param name="parallel">Other lanes write other rows of the same tables at the same time (see <see cref="Checks"/>).</param>
    public async Task<bool> TryApplyAsync(MySqlConnection target, MySqlTransaction transaction,
        IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, bool parallel, CancellationToken cancellationToken)
    {
        if (changes.Count < MinChanges)
        {
            Interlocked.Increment(ref _small);
            return false;
        }
        if (_skip > 0)
        {
            // A chunk that had to go change by change is likely followed by more like it (conflicts, foreign keys).
            _skip--;
            return false;
        }
        // A delete or key change whose foreign key actions the target performs must run alone, in its place.
        foreach (var (plan, change) in changes)
            if (plan.Cascades(change)) return false;
        var tables = Fold(changes);
        if (tables is null) return false;
        foreach (var plan in tables.Keys)
            if (await TargetKeyIndexAsync(target, transaction, plan, cancellationToken).ConfigureAwait(false) is null)
                return false;

        // The savepoint goes with the first statements: no round trip of its own.
        var statements = new List<(string Sql, long? Expected)> { ("SAVEPOINT oms_net", null) };
        var skipLocked = parallel && SupportsSkipLocked(target);
        foreach (var (plan, rows) in tables) Checks(statements, plan, _targetKeyChecked[plan]!, rows, skipLocked);
        foreach (var (plan, rows) in tables) Deletes(statements, plan, rows, skipLocked);
        foreach (var (plan, rows) in tables) Upserts(statements, plan, rows);
        foreach (var (plan, rows) in tables) Inserts(statements, plan, rows);

        if (await RunCheckedAsync(target, transaction, statements, cancellationToken).ConfigureAwait(false))
        {
            _skipAfterFailure = 1;
            Interlocked.Increment(ref _written);
            return true;
        }
        await ApplyCommands.ExecuteAsync(target, transaction, "ROLLBACK TO SAVEPOINT oms_net", cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _declined);
        _skip = _skipAfterFailure;
        _skipAfterFailure = Math.Min(_skipAfterFailure * 2, MaxSkip);
        return false;
    }

    /// <summary>
    /// One row's net change: whether it was there before the chunk, its final image (null: gone), whether it was
    /// deleted and inserted again on the way, and an image that holds its key.
    /// </summary>
    private sealed class NetRow(bool existedBefore, IReadOnlyList<object?> keyImage, IReadOnlyList<object?>? final)
    {
        public bool ExistedBefore { get; } = existedBefore;
        public IReadOnlyList<object?> KeyImage { get; } = keyImage;
        public IReadOnlyList<object?>? Final { get; set; } = final;
        public bool Recreated { get; set; }
    }

    /// <summary>The chunk folded per table and row key, or null when it does not qualify.</summary>
    private static Dictionary<TableApplyPlan, Dictionary<string, NetRow>>? Fold(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes)
    {
        var tables = new Dictionary<TableApplyPlan, Dictionary<string, NetRow>>(ReferenceEqualityComparer.Instance);
        foreach (var (plan, change) in changes)
        {
            if (!tables.TryGetValue(plan, out var rows))
            {
                if (!Qualifies(plan)) return null;
                tables[plan] = rows = new Dictionary<string, NetRow>(StringComparer.Ordinal);
            }
            if (!plan.HasKey)
            {
                // Appended in order: each insert is a row of its own, however alike.
                if (change.Kind != RowChangeKind.Insert) return null;
                rows[rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new NetRow(existedBefore: false, change.After!, change.After);
                continue;
            }
            switch (change.Kind)
            {
                case RowChangeKind.Insert:
                    if (!Arrive(rows, KeyOf(plan, change.After!), change.After!)) return null;
                    break;
                case RowChangeKind.Delete:
                    if (!Leave(rows, KeyOf(plan, change.Before!), change.Before!)) return null;
                    break;
                default:
                    var key = KeyOf(plan, change.Before!);
                    // A row moving to another key keeps, on the target, columns the task does not move; a delete
                    // and an insert would not, so such chunks go change by change.
                    if (key != KeyOf(plan, change.After!)) return null;
                    if (rows.TryGetValue(key, out var row))
                    {
                        if (row.Final is null) return null; // updates a row the chunk had removed: not a consistent source history
                        row.Final = change.After;
                    }
                    else
                    {
                        rows[key] = new NetRow(existedBefore: true, change.Before!, change.After);
                    }
                    break;
            }
        }
        return tables;
    }

    private static bool Arrive(Dictionary<string, NetRow> rows, string key, IReadOnlyList<object?> image)
    {
        if (!rows.TryGetValue(key, out var row))
        {
            rows[key] = new NetRow(existedBefore: false, image, image);
            return true;
        }
        if (row.Final is not null) return false;
        row.Final = image;
        row.Recreated = row.ExistedBefore;
        return true;
    }

    private static bool Leave(Dictionary<string, NetRow> rows, string key, IReadOnlyList<object?> image)
    {
        if (!rows.TryGetValue(key, out var row))
        {
            rows[key] = new NetRow(existedBefore: true, image, null);
            return true;
        }
        if (row.Final is null) return false;
        row.Final = null;
        row.Recreated = false; // gone again: what counts is that it was there before
        return true;
    }

    private static bool Qualifies(TableApplyPlan plan) => !plan.Rule.ChecksBeforeImage && (!plan.HasKey
        || plan.UniqueKeys.Count == 0 && plan.LaneKeyColumns.Count == plan.KeyColumns.Count
           && plan.KeyColumns.All(k => plan.Table.Schema.Column(k.Name).DataType is not ("float" or "double" or "real")));

    /// <summary>The row key as exact text: equal for the same stored key, different otherwise (key columns compare byte for byte).</summary>
    private static string KeyOf(TableApplyPlan plan, IReadOnlyList<object?> image)
    {
        var key = new StringBuilder();
        foreach (var (_, index) in plan.KeyColumns)
        {
            // Each value as its exact literal (text as its bytes, numbers and times as their exact text), after its length.
            var start = key.Length;
            SqlLiterals.Append(key, image[index]);
            key.Insert(start, (key.Length - start).ToString(System.Globalization.CultureInfo.InvariantCulture) + ":");
        }
        return key.ToString();
    }

    private async Task<string?> TargetKeyIndexAsync(MySqlConnection target, MySqlTransaction transaction, TableApplyPlan plan, CancellationToken cancellationToken)
    {
        if (_targetKeyChecked.TryGetValue(plan, out var known)) return known;
        await using var command = new MySqlCommand(
            "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = @s AND TABLE_NAME = @t AND NON_UNIQUE = 0",
            target, transaction);
        command.Parameters.AddWithValue("@s", plan.Table.Mapping.TargetDatabase);
        command.Parameters.AddWithValue("@t", plan.Table.Mapping.TargetTable);
        var indexes = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        await using (var reader = await ApplyCommands.ReaderAsync(command, cancellationToken).ConfigureAwait(false))
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                if (!indexes.TryGetValue(name, out var columns)) indexes[name] = columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                columns.Add(reader.GetString(1));
            }
        var index = plan.HasKey
            ? indexes.Count == 1 && indexes.Values.Single().SetEquals(plan.KeyColumns.Select(k => k.Name)) ? indexes.Keys.Single() : null
            : indexes.Count == 0 ? "" : null;
        _targetKeyChecked[plan] = index;
        return index;
    }

    // Rows that must be there and stay: counted under a lock, so they are still there when upserted.
    // Rows that must not be there and end absent: counted, expecting none.
    // Beside other lanes, a count over many keys of a small table is read by scanning the key's index, and a locking scan
    // would wait for the rows other lanes hold (never ours: lanes write disjoint rows). So there it skips locked rows, and
    // locks the rows to delete too: a row of ours that someone else holds makes the count short, and the chunk goes
    // change by change, which waits for it properly.
    private static void Checks(List<(string, long?)> statements, TableApplyPlan plan, string keyIndex, Dictionary<string, NetRow> rows, bool skipLocked)
    {
        var hint = keyIndex.Length == 0 ? "" : $" FORCE INDEX ({MySqlSyntax.QuoteIdentifier(keyIndex)})";
        KeyedStatements(statements, plan, rows.Values.Where(r => r.ExistedBefore && (skipLocked || r.Final is not null && !r.Recreated)).ToList(),
            "SELECT COUNT(*) FROM ", skipLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE", rowCount: false, expectNone: false, hint);
        KeyedStatements(statements, plan, rows.Values.Where(r => !r.ExistedBefore && r.Final is null).ToList(),
            "SELECT COUNT(*) FROM ", "", rowCount: false, expectNone: true);
    }

    private static void Deletes(List<(string, long?)> statements, TableApplyPlan plan, Dictionary<string, NetRow> rows, bool locked)
    {
        var gone = rows.Values.Where(r => r.ExistedBefore && (r.Final is null || r.Recreated)).ToList();
        if (!locked)
        {
            KeyedStatements(statements, plan, gone, "DELETE FROM ", "", rowCount: true, expectNone: false);
            return;
        }
        // Locked by the check already: one point delete each, which no other lane's rows can hold up.
        foreach (var row in gone)
        {
            var sql = new StringBuilder("DELETE FROM ").Append(plan.Target).Append(" WHERE ");
            ChangeStatements.KeyCondition(sql, plan, row.KeyImage);
            statements.Add((sql.ToString(), null));
        }
    }

    private static readonly ConditionalWeakTable<MySqlConnection, object> SkipLockedServers = new();

    /// <summary>SELECT ... SKIP LOCKED: MariaDB 10.6 and MySQL 8.0 on.</summary>
    private static bool SupportsSkipLocked(MySqlConnection connection)
    {
        if (SkipLockedServers.TryGetValue(connection, out var known)) return (bool)known;
        var text = connection.ServerVersion;
        var mariaDb = text.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        if (text.StartsWith("5.5.5-", StringComparison.Ordinal)) text = text[6..];
        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.')) end++;
        var supported = Version.TryParse(text[..end], out var version) && version >= (mariaDb ? new Version(10, 6) : new Version(8, 0, 1));
        SkipLockedServers.AddOrUpdate(connection, supported);
        return supported;
    }

    private static void Upserts(List<(string, long?)> statements, TableApplyPlan plan, Dictionary<string, NetRow> rows)
    {
        var update = plan.Columns.Where(c => !plan.KeyColumns.Any(k => k.Name == c.Name)).Select(c => MySqlSyntax.QuoteIdentifier(c.Name)).ToList();
        var firstKey = MySqlSyntax.QuoteIdentifier(plan.KeyColumns[0].Name);
        var clause = " ON DUPLICATE KEY UPDATE " + (update.Count == 0
            ? $"{firstKey} = {firstKey}"
            : string.Join(", ", update.Select(c => $"{c} = VALUES({c})")));
        // The rows were counted present under a lock: the upsert updates them all, its count is not needed.
        RowStatements(statements, plan, rows.Values.Where(r => r.ExistedBefore && r.Final is not null && !r.Recreated).ToList(), clause, rowCount: false);
    }

    private static void Inserts(List<(string, long?)> statements, TableApplyPlan plan, Dictionary<string, NetRow> rows) =>
        RowStatements(statements, plan, rows.Values.Where(r => r.Final is not null && (!r.ExistedBefore || r.Recreated)).ToList(), "", rowCount: true);

    /// <summary>
    /// Statements over rows found by key, in slices, each giving one count: the statement's own (SELECT COUNT) or
    /// its ROW_COUNT(). The count must be the slice's size, or zero with <paramref name="expectNone"/>.
    /// </summary>
    private static void KeyedStatements(List<(string, long?)> statements, TableApplyPlan plan, List<NetRow> rows, string head, string tail,
        bool rowCount, bool expectNone, string hint = "")
    {
        var sql = new StringBuilder();
        var inSlice = 0;
        void Flush()
        {
            if (inSlice == 0) return;
            sql.Append(')').Append(tail);
            if (rowCount) sql.Append(";\nSELECT ROW_COUNT()");
            statements.Add((sql.ToString(), expectNone ? 0 : inSlice));
            sql.Clear();
            inSlice = 0;
        }
        foreach (var row in rows)
        {
            sql.Append(inSlice == 0 ? head + plan.Target + hint + " WHERE (" : " OR ").Append('(');
            ChangeStatements.KeyCondition(sql, plan, row.KeyImage);
            sql.Append(')');
            inSlice++;
            if (sql.Length > MaxStatementChars) Flush();
        }
        Flush();
    }

    /// <summary>Multi-row INSERTs of the rows' final images, in slices; with <paramref name="rowCount"/> each must insert its whole slice.</summary>
    private static void RowStatements(List<(string, long?)> statements, TableApplyPlan plan, List<NetRow> rows, string clause, bool rowCount)
    {
        var sql = new StringBuilder();
        var inSlice = 0;
        void Flush()
        {
            if (inSlice == 0) return;
            sql.Append(clause);
            if (rowCount) sql.Append(";\nSELECT ROW_COUNT()");
            statements.Add((sql.ToString(), rowCount ? inSlice : null));
            sql.Clear();
            inSlice = 0;
        }
        foreach (var row in rows)
        {
            sql.Append(inSlice == 0 ? $"INSERT INTO {plan.Target} ({plan.ColumnList}) VALUES (" : ", (");
            ChangeStatements.Values(sql, plan, row.Final!);
            sql.Append(')');
            inSlice++;
            if (sql.Length > MaxStatementChars) Flush();
        }
        Flush();
    }

    /// <summary>Runs the statements, a few per round trip; false at the first count that is not the expected one or on a duplicate key.</summary>
    private static async Task<bool> RunCheckedAsync(MySqlConnection target, MySqlTransaction transaction, List<(string Sql, long? Expected)> statements,
        CancellationToken cancellationToken)
    {
        var next = 0;
        while (next < statements.Count)
        {
            var sql = new StringBuilder();
            var expected = new List<long?>();
            while (next < statements.Count && (expected.Count == 0 || sql.Length + statements[next].Sql.Length < MaxCommandChars))
            {
                sql.Append(statements[next].Sql).Append(";\n");
                expected.Add(statements[next].Expected);
                next++;
            }
            var results = new List<long>();
            try
            {
                await using var command = new MySqlCommand(sql.ToString(), target, transaction);
                await using var reader = await ApplyCommands.ReaderAsync(command, cancellationToken).ConfigureAwait(false);
                do
                {
                    if (reader.FieldCount == 0) continue; // an upsert: no result set
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        results.Add(reader.GetInt64(0));
                }
                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (MySqlException e) when (MySqlConflictRows.IsKeyCollision(e) || e.ErrorCode is MySqlErrorCode.RowIsReferenced2 or MySqlErrorCode.NoReferencedRow2
                                               or MySqlErrorCode.RowIsReferenced or MySqlErrorCode.NoReferencedRow)
            {
                return false; // a duplicate key, or a foreign key the new order of writes upset
            }
            var counted = expected.Where(e => e is not null).ToList();
            if (results.Count != counted.Count) return false;
            for (var i = 0; i < counted.Count; i++)
                if (results[i] != counted[i]) return false;
        }
        return true;
    }
}
