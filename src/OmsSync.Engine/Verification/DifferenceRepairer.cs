using System.Globalization;
using System.Text;
using MySqlConnector;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>The correction of one table: the SQL that makes one side's rows equal to the other's, and the differences it settles.</summary>
public sealed record TableRepair(string SourceTable, string TargetTable, IReadOnlyList<string> Statements, IReadOnlyList<long> DifferenceIds);

/// <summary>
/// Makes one side equal to the other for differing rows: the target to the source (<see cref="Direction.Forward"/>),
/// or, for a bidirectional task whose sides both write, the source to the target (<see cref="Direction.Reverse"/>).
/// The side copied from is read again at repair time, so the correction writes what it holds now: a row it has (and
/// the source's row filter keeps) is written with REPLACE, byte for byte as the full migration writes it; a row it
/// lacks is deleted by its exact key (on the source, only within its row filter). Rows of a table without a key are
/// counted by content on both sides, and copies are inserted or deleted to match. The statements are plain SQL, so
/// they can be run here or saved as a script. They are written as an application's would be, so a running task's
/// other direction carries them over and finds the row already there.
/// </summary>
public sealed class DifferenceRepairer
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly MySqlEndpoint _source;
    private readonly MySqlEndpoint _target;
    private readonly Side _from;
    private readonly Side _to;

    public DifferenceRepairer(StateStore store, MigrationTask task, Direction direction = Direction.Forward)
    {
        _store = store;
        _task = task;
        var catalog = new DataSourceCatalog(store);
        _source = new MySqlEndpoint(catalog.Get(task.Source), catalog.GetPassword(task.Source));
        _target = new MySqlEndpoint(catalog.Get(task.Target), catalog.GetPassword(task.Target));
        (_from, _to) = direction == Direction.Forward ? (Side.Source, Side.Target) : (Side.Target, Side.Source);
        Direction = direction;
    }

    /// <summary>Which way rows are copied: Forward makes the target equal to the source, Reverse the source to the target.</summary>
    public Direction Direction { get; }

    /// <summary>The data source the correction writes to.</summary>
    public DataSource Written => Endpoint(_to).Source;

    private MySqlEndpoint Endpoint(Side side) => side == Side.Source ? _source : _target;

    /// <summary>The corrections for these differences (all of this task), one per table.</summary>
    public async Task<IReadOnlyList<TableRepair>> PlanAsync(IReadOnlyList<VerificationDifference> differences, CancellationToken cancellationToken)
    {
        var objects = await TaskObjects.ResolveAsync(_source, _task, cancellationToken).ConfigureAwait(false);
        var repairs = new List<TableRepair>();
        await using var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var group in differences.GroupBy(d => d.SourceTable, StringComparer.Ordinal))
        {
            var table = objects.Tables.FirstOrDefault(t => t.Mapping.Source == group.Key)
                ?? throw new OmsException("TableNotInTask", OmsErrorKind.InvalidState, group.Key,
                    $"Table '{group.Key}' is no longer among the objects of task '{_task.Name}', so its differences cannot be repaired.");
            var plan = await TableComparePlan.CreateAsync(target, table, cancellationToken).ConfigureAwait(false);
            var copy = new TableCopyPlan(table.Mapping, table.Schema, plan.Columns.Select(c => _from == Side.Source ? c.Source : c.Target).ToList());
            var (from, to) = _from == Side.Source ? (source, target) : (target, source);
            // Differences found by key settle by key, those of a table without a key by content; a table whose key
            // came or went since the verification needs verifying again first.
            var settled = group.Where(d => plan.HasKey ? d.KeyValues is not null : d.RowHash is not null).ToList();
            if (settled.Count < group.Count())
                throw new OmsException("VerifyAgain", OmsErrorKind.InvalidState, group.Key,
                    $"Table '{group.Key}' changed its key since it was verified. Verify it again (Start-OmsVerification), then repair.");
            var statements = plan.HasKey
                ? await KeyedAsync(from, plan, copy, settled.Select(d => d.KeyValues!).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false)
                : await CopiesAsync(from, to, plan, copy, settled.Select(d => ulong.Parse(d.RowHash!, CultureInfo.InvariantCulture)).Distinct().ToList(),
                    cancellationToken).ConfigureAwait(false);
            repairs.Add(new TableRepair(table.Mapping.Source, table.Mapping.Target, statements, settled.Select(d => d.Id).ToList()));
        }
        return repairs;
    }

    /// <summary>Runs one table's correction in one transaction on the side written and marks its differences repaired.</summary>
    public async Task ApplyAsync(TableRepair repair, CancellationToken cancellationToken)
    {
        await using var target = await Endpoint(_to).OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var session = new MySqlCommand("SET SESSION foreign_key_checks = 0", target))
            await session.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var batch = new StringBuilder();
        foreach (var statement in repair.Statements)
        {
            batch.Append(statement).Append(";\n");
            if (batch.Length > 1 << 20) await ExecuteAsync(target, transaction, batch, cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(target, transaction, batch, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        new VerificationStore(_store).MarkRepaired(repair.DifferenceIds);
    }

    /// <summary>Writes the corrections as a script to run on the side written, each table in a transaction of its own.</summary>
    public void WriteScript(TextWriter writer, IReadOnlyList<TableRepair> repairs)
    {
        writer.WriteLine($"-- OmsSync correction for task '{_task.Name}', written {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z from the {_from.ToString().ToLowerInvariant()} as it was then.");
        writer.WriteLine($"-- Run it on the {_to.ToString().ToLowerInvariant()} data source '{Written.Name}' ({Written.Endpoint}).");
        writer.WriteLine("SET NAMES utf8mb4;");
        writer.WriteLine("SET time_zone = '+00:00';");
        writer.WriteLine("SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';");
        writer.WriteLine("SET foreign_key_checks = 0;");
        foreach (var repair in repairs)
        {
            writer.WriteLine();
            writer.WriteLine($"-- {repair.SourceTable} -> {repair.TargetTable}: {repair.Statements.Count} statement(s)");
            writer.WriteLine("START TRANSACTION;");
            foreach (var statement in repair.Statements)
                writer.WriteLine(statement + ";");
            writer.WriteLine("COMMIT;");
        }
    }

    private static async Task ExecuteAsync(MySqlConnection target, MySqlTransaction transaction, StringBuilder batch, CancellationToken cancellationToken)
    {
        if (batch.Length == 0) return;
        await using var command = new MySqlCommand(batch.ToString(), target, transaction);
        batch.Clear();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Each key: REPLACE with the row of the side copied from when it has it (within the source's row filter), else DELETE by the exact key.
    private async Task<List<string>> KeyedAsync(MySqlConnection from, TableComparePlan plan, TableCopyPlan copy, IReadOnlyList<string> keys,
        CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, byte[]?[]>(StringComparer.Ordinal);
        var key = plan.KeyOf(_from);
        foreach (var batch in keys.Chunk(200))
        {
            await using var command = new MySqlCommand { Connection = from };
            var conditions = batch.Select((k, n) => key.Equal(ChunkKey.Deserialize(k), command, $"k{n}_"));
            command.CommandText = $"SELECT {key.BoundarySelect}, {string.Join(", ", copy.Transfers.Select(t => t.SelectExpression))} FROM {plan.NameOf(_from)} " +
                                  $"WHERE ({string.Join(" OR ", conditions)}) AND {plan.Filter(_from)}";
            await foreach (var (rowKey, row) in ReadAsync(Connections.SingleStatement.For(command, plan.Filters(_from)), key.Columns.Count, copy.Transfers.Count, cancellationToken).ConfigureAwait(false))
                rows[rowKey] = row;
        }
        var statements = new List<string>();
        foreach (var k in keys)
            statements.Add(rows.TryGetValue(k, out var row)
                ? $"REPLACE INTO {plan.NameOf(_to)} ({ColumnList(copy)}) VALUES {InsertStatementBuilder.RowSql(copy, row)}"
                : $"DELETE FROM {plan.NameOf(_to)} WHERE {ExactKey(plan, ChunkKey.Deserialize(k))} AND {plan.Filter(_to)}");
        return statements;
    }

    // Copies by content: as many as the side copied from holds now, inserted from its bytes or deleted on the side written.
    private async Task<List<string>> CopiesAsync(MySqlConnection from, MySqlConnection to, TableComparePlan plan, TableCopyPlan copy,
        IReadOnlyList<ulong> hashes, CancellationToken cancellationToken)
    {
        var fromCopies = await ChunkChecksums.CopiesAsync(from, plan, _from, hashes, cancellationToken).ConfigureAwait(false);
        var toCopies = await ChunkChecksums.CopiesAsync(to, plan, _to, hashes, cancellationToken).ConfigureAwait(false);
        var statements = new List<string>();
        var missing = hashes.Where(h => fromCopies.GetValueOrDefault(h) > toCopies.GetValueOrDefault(h)).ToList();
        var fromRows = new Dictionary<ulong, byte[]?[]>();
        if (missing.Count > 0)
        {
            await using var command = new MySqlCommand(
                $"SELECT CAST({plan.HashOf(_from)} AS CHAR), {string.Join(", ", copy.Transfers.Select(t => t.SelectExpression))} FROM {plan.NameOf(_from)} " +
                $"WHERE {plan.Filter(_from)} AND {plan.HashOf(_from)} IN ({string.Join(", ", missing)})", from);
            await foreach (var (hash, row) in ReadAsync(Connections.SingleStatement.For(command, plan.Filters(_from)), 1, copy.Transfers.Count, cancellationToken).ConfigureAwait(false))
                fromRows.TryAdd(ulong.Parse(ChunkKey.Deserialize(hash)[0]!, CultureInfo.InvariantCulture), row);
        }
        foreach (var hash in hashes)
        {
            var difference = fromCopies.GetValueOrDefault(hash) - toCopies.GetValueOrDefault(hash);
            if (difference > 0 && fromRows.TryGetValue(hash, out var row))
                for (var n = 0; n < difference; n++)
                    statements.Add($"INSERT INTO {plan.NameOf(_to)} ({ColumnList(copy)}) VALUES {InsertStatementBuilder.RowSql(copy, row)}");
            else if (difference < 0)
                statements.Add($"DELETE FROM {plan.NameOf(_to)} WHERE {plan.HashOf(_to)} = {hash} AND {plan.Filter(_to)} LIMIT {-difference}");
        }
        return statements;
    }

    private static string ColumnList(TableCopyPlan copy) => string.Join(", ", copy.Transfers.Select(t => MySqlSyntax.QuoteIdentifier(t.Column.Name)));

    // The key by value (index lookup), and text key columns also by their exact bytes: a case-insensitive 'A' is not 'a'.
    private string ExactKey(TableComparePlan plan, IReadOnlyList<string?> values)
    {
        var condition = new StringBuilder(plan.KeyOf(_to).EqualLiteral(values));
        for (var i = 0; i < plan.KeyIndexes.Count; i++)
        {
            var column = _to == Side.Source ? plan.Columns[plan.KeyIndexes[i]].Source : plan.Columns[plan.KeyIndexes[i]].Target;
            if (ChunkKey.IsBinary(column) || column.Charset is null || column.DataType is "enum" or "set") continue;
            condition.Append($" AND CAST(CONVERT({MySqlSyntax.QuoteIdentifier(column.Name)} USING utf8mb4) AS BINARY) = CAST(");
            SqlLiterals.Append(condition, values[i]);
            condition.Append(" AS BINARY)");
        }
        return condition.ToString();
    }

    private static async IAsyncEnumerable<(string Key, byte[]?[] Row)> ReadAsync(MySqlCommand command, int keyWidth, int columns,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new byte[]?[columns];
            for (var i = 0; i < columns; i++)
                row[i] = reader.IsDBNull(keyWidth + i) ? null : (byte[])reader.GetValue(keyWidth + i);
            yield return (RowReader.KeyOf(reader, keyWidth), row);
        }
    }
}
