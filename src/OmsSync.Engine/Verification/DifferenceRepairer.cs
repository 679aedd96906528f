using System.Globalization;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>The correction of one table: the SQL that makes the target rows equal to the source's, and the differences it settles.</summary>
public sealed record TableRepair(string SourceTable, string TargetTable, IReadOnlyList<string> Statements, IReadOnlyList<long> DifferenceIds);

/// <summary>
/// Makes the target equal to the source for differing rows. The source is read again at repair time, so the
/// correction writes what the source holds now: a row it has (and its row filter keeps) is written as the full
/// migration writes it for this target (on a MySQL-family target with REPLACE, byte for byte; on PostgreSQL deleted and
/// inserted again); a row it lacks is deleted by its exact key. Rows of a table without a key are counted by content
/// on both sides, and copies are inserted or deleted to match. The statements are plain SQL in the target's dialect,
/// so they can be run here or saved as a script.
/// </summary>
public sealed class DifferenceRepairer
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly Pipeline.Pairing _pairing;
    private readonly VerificationPair _pair;

    public DifferenceRepairer(StateStore store, MigrationTask task)
    {
        _store = store;
        _task = task;
        _pairing = new Pipeline.Pairing(store, task, _ => { });
        _pair = _pairing.Verification();
    }

    public DataSource Target => _pair.Target.Source;

    /// <summary>The corrections for these differences (all of this task), one per table.</summary>
    public async Task<IReadOnlyList<TableRepair>> PlanAsync(IReadOnlyList<VerificationDifference> differences, CancellationToken cancellationToken)
    {
        var objects = await _pairing.ResolveSourceAsync(cancellationToken).ConfigureAwait(false);
        var tables = new List<(TaskTable Table, IGrouping<string, VerificationDifference> Differences)>();
        foreach (var group in differences.GroupBy(d => d.SourceTable, StringComparer.Ordinal))
            tables.Add((objects.Tables.FirstOrDefault(t => t.Mapping.Source == group.Key)
                ?? throw new OmsException("TableNotInTask", OmsErrorKind.InvalidState, group.Key,
                    $"Table '{group.Key}' is no longer among the objects of task '{_task.Name}', so its differences cannot be repaired."), group));
        var targetSchemas = await _pairing.TargetTablesAsync(tables.Select(t => t.Table), cancellationToken).ConfigureAwait(false);
        var repairs = new List<TableRepair>();
        await using var source = await _pair.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var target = await _pair.Target.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (table, group) in tables)
            {
                var plan = TableComparePlan.Create(table, targetSchemas.GetValueOrDefault((table.Mapping.TargetDatabase, table.Mapping.TargetTable)), _pair.Source, _pair.Target);
                var columns = _pair.RepairColumns(plan);
                // Differences found by key settle by key, those of a table without a key by content; a table whose key
                // came or went since the verification needs verifying again first.
                var settled = group.Where(d => plan.HasKey ? d.KeyValues is not null : d.RowHash is not null).ToList();
                if (settled.Count < group.Count())
                    throw new OmsException("VerifyAgain", OmsErrorKind.InvalidState, group.Key,
                        $"Table '{group.Key}' changed its key since it was verified. Verify it again (Start-OmsVerification), then repair.");
                var statements = plan.HasKey
                    ? await KeyedAsync(source, plan, columns, settled.Select(d => d.KeyValues!).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false)
                    : await CopiesAsync(source, target, plan, columns, settled.Select(d => ulong.Parse(d.RowHash!, CultureInfo.InvariantCulture)).Distinct().ToList(),
                        cancellationToken).ConfigureAwait(false);
                repairs.Add(new TableRepair(table.Mapping.Source, table.Mapping.Target, statements, settled.Select(d => d.Id).ToList()));
            }
        }
        catch (Exception e) when (e is not OmsException)
        {
            throw _pair.Translate(e);
        }
        return repairs;
    }

    /// <summary>Runs one table's correction in one target transaction and marks its differences repaired.</summary>
    public async Task ApplyAsync(TableRepair repair, CancellationToken cancellationToken)
    {
        try
        {
            await _pair.Repairs.ApplyAsync(repair.Statements, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OmsException and not OperationCanceledException)
        {
            throw _pair.Target.Translate(e);
        }
        new VerificationStore(_store).MarkRepaired(repair.DifferenceIds);
    }

    /// <summary>Writes the corrections as a script to run on the target, each table in a transaction of its own.</summary>
    public void WriteScript(TextWriter writer, IReadOnlyList<TableRepair> repairs)
    {
        writer.WriteLine($"-- OmsSync correction for task '{_task.Name}', written {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z from the source as it was then.");
        writer.WriteLine($"-- Run it on the target data source '{Target.Name}' ({Target.Endpoint}).");
        foreach (var setting in _pair.Repairs.ScriptPreamble)
            writer.WriteLine(setting + ";");
        foreach (var repair in repairs)
        {
            writer.WriteLine();
            writer.WriteLine($"-- {repair.SourceTable} -> {repair.TargetTable}: {repair.Statements.Count} statement(s)");
            writer.WriteLine(_pair.Repairs.BeginTransaction + ";");
            foreach (var statement in repair.Statements)
                writer.WriteLine(statement + ";");
            writer.WriteLine("COMMIT;");
        }
    }

    // Each key: the source row written over the target's when the source has it (within its row filter), else deleted by the exact key.
    private async Task<List<string>> KeyedAsync(IVerificationSession source, TableComparePlan plan, RepairColumns columns, IReadOnlyList<string> keys,
        CancellationToken cancellationToken)
    {
        var rows = await source.RepairRowsAsync(plan, columns, keys, cancellationToken).ConfigureAwait(false);
        var statements = new List<string>();
        foreach (var key in keys)
            statements.AddRange(rows.TryGetValue(key, out var row) ? _pair.Repairs.Replace(plan, columns, key, row) : [_pair.Repairs.Delete(plan, key)]);
        return statements;
    }

    // Copies by content: as many as the source holds now, inserted from the source's values or deleted on the target.
    private async Task<List<string>> CopiesAsync(IVerificationSession source, IVerificationSession target, TableComparePlan plan, RepairColumns columns,
        IReadOnlyList<ulong> hashes, CancellationToken cancellationToken)
    {
        var sourceCopies = await source.CopiesAsync(plan, Side.Source, hashes, cancellationToken).ConfigureAwait(false);
        var targetCopies = await target.CopiesAsync(plan, Side.Target, hashes, cancellationToken).ConfigureAwait(false);
        var missing = hashes.Where(h => sourceCopies.GetValueOrDefault(h) > targetCopies.GetValueOrDefault(h)).ToList();
        var sourceRows = missing.Count > 0 ? await source.RepairRowsAsync(plan, columns, missing, cancellationToken).ConfigureAwait(false) : [];
        var statements = new List<string>();
        foreach (var hash in hashes)
        {
            var difference = sourceCopies.GetValueOrDefault(hash) - targetCopies.GetValueOrDefault(hash);
            if (difference > 0 && sourceRows.TryGetValue(hash, out var row))
                for (var n = 0; n < difference; n++)
                    statements.Add(_pair.Repairs.Insert(plan, columns, row));
            else if (difference < 0)
                statements.Add(_pair.Repairs.DeleteCopies(plan, hash, -difference));
        }
        return statements;
    }
}
