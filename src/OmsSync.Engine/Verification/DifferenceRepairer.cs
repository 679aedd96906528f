using System.Globalization;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>The correction of one table: the SQL that makes the target rows equal to the source's, and the differences it settles.</summary>
public sealed record TableRepair(string SourceTable, string TargetTable, IReadOnlyList<string> Statements, IReadOnlyList<long> DifferenceIds);

/// <summary>
/// Makes one side equal to the other for differing rows: the target to the source (<see cref="Direction.Forward"/>),
/// or, for a bidirectional task between MySQL-family servers whose sides both write, the source to the target
/// (<see cref="Direction.Reverse"/>). The side copied from is read again at repair time, so the correction writes what
/// it holds now: a row it has (and the source's row filter keeps) is written as the full migration writes it (on a
/// MySQL-family server with REPLACE, byte for byte; on PostgreSQL deleted and inserted again); a row it lacks is
/// deleted by its exact key (on the source, only within its row filter). Rows of a table without a key are counted by
/// content on both sides, and copies are inserted or deleted to match. The statements are plain SQL in the written
/// side's dialect, so they can be run here or saved as a script. They are written as an application's would be, so a
/// running task's other direction carries them over and finds the row already there.
/// </summary>
public sealed class DifferenceRepairer
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly Pipeline.Pairing _pairing;
    private readonly VerificationPair _pair;
    private readonly RepairWay _way;

    public DifferenceRepairer(StateStore store, MigrationTask task, Direction direction = Direction.Forward)
    {
        _store = store;
        _task = task;
        _pairing = new Pipeline.Pairing(store, task, _ => { });
        _pair = _pairing.Verification();
        _way = direction == Direction.Forward ? _pair.Repairs : _pair.ReverseRepairs
            ?? throw new OmsException("ReverseRepairNotSupported", OmsErrorKind.InvalidArgument, task.Name,
                $"Task '{task.Name}' has PostgreSQL on one side: -Direction Reverse repairs only between MySQL-family servers. " +
                "Repair toward the target (-Direction Forward), or correct the source from the target's rows by hand.");
        Direction = direction;
    }

    /// <summary>Which way rows are copied: Forward makes the target equal to the source, Reverse the source to the target.</summary>
    public Direction Direction { get; }

    /// <summary>The data source the correction writes to.</summary>
    public DataSource Written => _pair.SideOf(_way.To).Source;

    /// <summary>A repair's table as the side written names it.</summary>
    public string WrittenTable(TableRepair repair) => _way.To == Side.Target ? repair.TargetTable : repair.SourceTable;

    /// <summary>The side rows are copied from, in words: "source" or "target".</summary>
    public string CopiedFrom => Name(_way.From);

    /// <summary>The corrections for these differences (all of this task), one per table.</summary>
    public async Task<IReadOnlyList<TableRepair>> PlanAsync(IReadOnlyList<VerificationDifference> differences, CancellationToken cancellationToken)
    {
        var objects = await _pairing.ResolveMovedAsync(cancellationToken).ConfigureAwait(false);
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
                var plan = TableComparePlan.Create(table, targetSchemas.GetValueOrDefault((table.Mapping.TargetDatabase, table.Mapping.TargetTable)), _pair.Source, _pair.Target, _task.ComparesOnly);
                var columns = _way.Columns(plan);
                // Differences found by key settle by key, those of a table without a key by content; a table whose key
                // came or went since the verification needs verifying again first.
                var settled = group.Where(d => plan.HasKey ? d.KeyValues is not null : d.RowHash is not null).ToList();
                if (settled.Count < group.Count())
                    throw new OmsException("VerifyAgain", OmsErrorKind.InvalidState, group.Key,
                        $"Table '{group.Key}' changed its key since it was verified. Verify it again (Start-OmsVerification), then repair.");
                var (from, to) = _way.From == Side.Source ? (source, target) : (target, source);
                var statements = plan.HasKey
                    ? await KeyedAsync(from, plan, columns, settled.Select(d => d.KeyValues!).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false)
                    : await CopiesAsync(from, to, plan, columns, settled.Select(d => ulong.Parse(d.RowHash!, CultureInfo.InvariantCulture)).Distinct().ToList(),
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

    /// <summary>Runs one table's correction in one transaction on the side written and marks its differences repaired.</summary>
    public async Task ApplyAsync(TableRepair repair, CancellationToken cancellationToken)
    {
        try
        {
            await _way.Writer.ApplyAsync(repair.Statements, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OmsException and not OperationCanceledException)
        {
            throw _pair.SideOf(_way.To).Translate(e);
        }
        new VerificationStore(_store).MarkRepaired(repair.DifferenceIds);
    }

    /// <summary>Writes the corrections as a script to run on the side written, each table in a transaction of its own.</summary>
    public void WriteScript(TextWriter writer, IReadOnlyList<TableRepair> repairs)
    {
        writer.WriteLine($"-- OmsSync correction for task '{_task.Name}', written {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z from the {Name(_way.From)} as it was then.");
        writer.WriteLine($"-- Run it on the {Name(_way.To)} data source '{Written.Name}' ({Written.Endpoint}).");
        foreach (var setting in _way.Writer.ScriptPreamble)
            writer.WriteLine(setting + ";");
        foreach (var repair in repairs)
        {
            writer.WriteLine();
            writer.WriteLine($"-- {repair.SourceTable} -> {repair.TargetTable}: {repair.Statements.Count} statement(s)");
            writer.WriteLine(_way.Writer.BeginTransaction + ";");
            foreach (var statement in repair.Statements)
                writer.WriteLine(statement + ";");
            writer.WriteLine("COMMIT;");
        }
    }

    private static string Name(Side side) => side.ToString().ToLowerInvariant();

    // Each key: the row of the side copied from written over the other's when it has it (within the source's row filter), else deleted by the exact key.
    private async Task<List<string>> KeyedAsync(IVerificationSession from, TableComparePlan plan, RepairColumns columns, IReadOnlyList<string> keys,
        CancellationToken cancellationToken)
    {
        var rows = await from.RepairRowsAsync(plan, _way.From, columns, keys, cancellationToken).ConfigureAwait(false);
        var statements = new List<string>();
        foreach (var key in keys)
            statements.AddRange(rows.TryGetValue(key, out var row) ? _way.Writer.Replace(plan, _way.To, columns, key, row) : [_way.Writer.Delete(plan, _way.To, key)]);
        return statements;
    }

    // Copies by content: as many as the side copied from holds now, inserted from its values or deleted on the side written.
    private async Task<List<string>> CopiesAsync(IVerificationSession from, IVerificationSession to, TableComparePlan plan, RepairColumns columns,
        IReadOnlyList<ulong> hashes, CancellationToken cancellationToken)
    {
        var fromCopies = await from.CopiesAsync(plan, _way.From, hashes, cancellationToken).ConfigureAwait(false);
        var toCopies = await to.CopiesAsync(plan, _way.To, hashes, cancellationToken).ConfigureAwait(false);
        var missing = hashes.Where(h => fromCopies.GetValueOrDefault(h) > toCopies.GetValueOrDefault(h)).ToList();
        var fromRows = missing.Count > 0 ? await from.RepairRowsAsync(plan, _way.From, columns, missing, cancellationToken).ConfigureAwait(false) : [];
        var statements = new List<string>();
        foreach (var hash in hashes)
        {
            var difference = fromCopies.GetValueOrDefault(hash) - toCopies.GetValueOrDefault(hash);
            if (difference > 0 && fromRows.TryGetValue(hash, out var row))
                for (var n = 0; n < difference; n++)
                    statements.Add(_way.Writer.Insert(plan, _way.To, columns, row));
            else if (difference < 0)
                statements.Add(_way.Writer.DeleteCopies(plan, _way.To, hash, -difference));
        }
        return statements;
    }
}
