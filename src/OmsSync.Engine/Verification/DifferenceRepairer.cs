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

/// <summary>The correction of one table: the SQL that makes the target rows equal to the source's, and the differences it settles.</summary>
public sealed record TableRepair(string SourceTable, string TargetTable, IReadOnlyList<string> Statements, IReadOnlyList<long> DifferenceIds);

/// <summary>
/// Makes the target equal to the source for differing rows. The source is read again at repair time, so the
/// correction writes what the source holds now: a row it has (and its row filter keeps) is written with
/// REPLACE, byte for byte as the full migration writes it; a row it lacks is deleted by its exact key. Rows of
/// a table without a key are counted by content on both sides, and copies are inserted or deleted to match.
/// The statements are plain SQL, so they can be run here or saved as a script.
/// </summary>
public sealed class DifferenceRepairer
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly MySqlEndpoint _source;
    private readonly MySqlEndpoint _target;

    public DifferenceRepairer(StateStore store, MigrationTask task)
    {
        _store = store;
        _task = task;
        var catalog = new DataSourceCatalog(store);
        _source = new MySqlEndpoint(catalog.Get(task.Source), catalog.GetPassword(task.Source));
        _target = new MySqlEndpoint(catalog.Get(task.Target), catalog.GetPassword(task.Target));
    }

    public DataSource Target => _target.Source;

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
            var copy = new TableCopyPlan(table.Mapping, table.Schema, plan.Columns.Select(c => c.Source).ToList());
            // Differences found by key settle by key, those of a table without a key by content; a table whose key
            // came or went since the verification needs verifying again first.
            var settled = group.Where(d => plan.HasKey ? d.KeyValues is not null : d.RowHash is not null).ToList();
            if (settled.Count < group.Count())
                throw new OmsException("VerifyAgain", OmsErrorKind.InvalidState, group.Key,
                    $"Table '{group.Key}' changed its key since it was verified. Verify it again (Start-OmsVerification), then repair.");
            var statements = plan.HasKey
                ? await KeyedAsync(source, plan, copy, settled.Select(d => d.KeyValues!).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false)
                : await CopiesAsync(source, target, plan, copy, settled.Select(d => ulong.Parse(d.RowHash!, CultureInfo.InvariantCulture)).Distinct().ToList(),
                    cancellationToken).ConfigureAwait(false);
            repairs.Add(new TableRepair(table.Mapping.Source, table.Mapping.Target, statements, settled.Select(d => d.Id).ToList()));
        }
        return repairs;
    }

    /// <summary>Runs one table's correction in one target transaction and marks its differences repaired.</summary>
    public async Task ApplyAsync(TableRepair repair, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Writes the corrections as a script to run on the target, each table in a transaction of its own.</summary>
    public void WriteScript(TextWriter writer, IReadOnlyList<TableRepair> repairs)
    {
        writer.WriteLine($"-- OmsSync correction for task '{_task.Name}', written {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z from the source as it was then.");
        writer.WriteLine($"-- Run it on the target data source '{Target.Name}' ({Target.Endpoint}).");
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

    // Each key: REPLACE with the source row when the source has it (within its row filter), else DELETE by the exact key.
    private static async Task<List<string>> KeyedAsync(MySqlConnection source, TableComparePlan plan, TableCopyPlan copy, IReadOnlyList<string> keys,
        CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, byte[]?[]>(StringComparer.Ordinal);
        var key = plan.SourceKey!;
        foreach (var batch in keys.Chunk(200))
        {
            await using var command = new MySqlCommand { Connection = source };
            var conditions = batch.Select((k, n) => key.Equal(ChunkKey.Deserialize(k), command, $"k{n}_"));
            command.CommandText = $"SELECT {key.BoundarySelect}, {string.Join(", ", copy.Transfers.Select(t => t.SelectExpression))} FROM {plan.SourceName} " +
                                  $"WHERE ({string.Join(" OR ", conditions)}) AND {plan.Filter(Side.Source)}";
            await foreach (var (rowKey, row) in ReadAsync(Connections.SingleStatement.For(command, plan.Filters(Side.Source)), key.Columns.Count, copy.Transfers.Count, cancellationToken).ConfigureAwait(false))
                rows[rowKey] = row;
        }
        var statements = new List<string>();
        foreach (var k in keys)
            statements.Add(rows.TryGetValue(k, out var row)
                ? $"REPLACE INTO {plan.TargetName} ({ColumnList(copy)}) VALUES {InsertStatementBuilder.RowSql(copy, row)}"
                : $"DELETE FROM {plan.TargetName} WHERE {ExactKey(plan, ChunkKey.Deserialize(k))}");
        return statements;
    }

    // Copies by content: as many as the source holds now, inserted from the source's bytes or deleted on the target.
    private static async Task<List<string>> CopiesAsync(MySqlConnection source, MySqlConnection target, TableComparePlan plan, TableCopyPlan copy,
        IReadOnlyList<ulong> hashes, CancellationToken cancellationToken)
    {
        var sourceCopies = await ChunkChecksums.CopiesAsync(source, plan, Side.Source, hashes, cancellationToken).ConfigureAwait(false);
        var targetCopies = await ChunkChecksums.CopiesAsync(target, plan, Side.Target, hashes, cancellationToken).ConfigureAwait(false);
        var statements = new List<string>();
        var missing = hashes.Where(h => sourceCopies.GetValueOrDefault(h) > targetCopies.GetValueOrDefault(h)).ToList();
        var sourceRows = new Dictionary<ulong, byte[]?[]>();
        if (missing.Count > 0)
        {
            await using var command = new MySqlCommand(
                $"SELECT CAST({plan.SourceHash} AS CHAR), {string.Join(", ", copy.Transfers.Select(t => t.SelectExpression))} FROM {plan.SourceName} " +
                $"WHERE {plan.Filter(Side.Source)} AND {plan.SourceHash} IN ({string.Join(", ", missing)})", source);
            await foreach (var (hash, row) in ReadAsync(Connections.SingleStatement.For(command, plan.Filters(Side.Source)), 1, copy.Transfers.Count, cancellationToken).ConfigureAwait(false))
                sourceRows.TryAdd(ulong.Parse(ChunkKey.Deserialize(hash)[0]!, CultureInfo.InvariantCulture), row);
        }
        foreach (var hash in hashes)
        {
            var difference = sourceCopies.GetValueOrDefault(hash) - targetCopies.GetValueOrDefault(hash);
            if (difference > 0 && sourceRows.TryGetValue(hash, out var row))
                for (var n = 0; n < difference; n++)
                    statements.Add($"INSERT INTO {plan.TargetName} ({ColumnList(copy)}) VALUES {InsertStatementBuilder.RowSql(copy, row)}");
            else if (difference < 0)
                statements.Add($"DELETE FROM {plan.TargetName} WHERE {plan.TargetHash} = {hash} LIMIT {-difference}");
        }
        return statements;
    }

    private static string ColumnList(TableCopyPlan copy) => string.Join(", ", copy.Transfers.Select(t => MySqlSyntax.QuoteIdentifier(t.Column.Name)));

    // The key by value (index lookup), and text key columns also by their exact bytes: a case-insensitive 'A' is not 'a'.
    private static string ExactKey(TableComparePlan plan, IReadOnlyList<string?> values)
    {
        var condition = new StringBuilder(plan.TargetKey!.EqualLiteral(values));
        for (var i = 0; i < plan.KeyIndexes.Count; i++)
        {
            var column = plan.Columns[plan.KeyIndexes[i]].Target;
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
