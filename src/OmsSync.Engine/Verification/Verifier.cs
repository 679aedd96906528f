using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>
/// Runs one verification of a task: resolves its tables (renames, row filters and column selection applied,
/// narrowed by the run's -Include), compares each against its target table, and keeps the figures and the
/// differences in the state store. Called by a verification worker, or by the task's worker in its Verify phase.
/// </summary>
public sealed class Verifier
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly Action<string> _log;

    public Verifier(StateStore store, MigrationTask task, Action<string> log)
    {
        _store = store;
        _task = task;
        _log = log;
    }

    /// <summary>Verifies; returns the number of differences found. Incremental runs go on until cancelled.</summary>
    public async Task<long> RunAsync(VerificationRun run, CancellationToken cancellationToken)
    {
        var pairing = new Pipeline.Pairing(_store, _task, _log);
        var pair = pairing.Verification();
        var verifications = new VerificationStore(_store);
        var progress = new VerificationProgress(verifications, run.Id);

        var objects = await pairing.ResolveMovedAsync(cancellationToken).ConfigureAwait(false);
        var tables = Select(objects.Tables, run.Include);
        _log($"{tables.Count} table(s) resolved");
        var plans = new List<(TableComparePlan Plan, long RowsEstimate, long AverageRowLength)>();
        var targetSchemas = await pairing.TargetTablesAsync(tables, cancellationToken).ConfigureAwait(false);
        await using (var source = await pair.Source.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (await pair.Target.OpenAsync(cancellationToken).ConfigureAwait(false)) // the hashes both compute are known from sessions
            foreach (var table in tables)
            {
                try
                {
                    var plan = TableComparePlan.Create(table, targetSchemas.GetValueOrDefault((table.Mapping.TargetDatabase, table.Mapping.TargetTable)), pair.Source, pair.Target, _task.ComparesOnly);
                    var (rows, averageRow) = await source.StatisticsAsync(table.Schema, table.Mapping.Partitions, cancellationToken).ConfigureAwait(false);
                    progress.AddTable(plan, rows);
                    plans.Add((plan, rows, averageRow));
                }
                catch (OmsException e)
                {
                    progress.AddFailedTable(table.Mapping, e.Message);
                    _log($"{table.Mapping.Source}: {e.Message}");
                }
            }
        if (run.Mode == VerificationMode.Incremental)
            foreach (var (plan, _, _) in plans) progress.Compared(plan, 0, 0, chunks: 0); // verifying from now on, as rows change
        progress.Flush();
        _log($"{run.Mode} verification of {plans.Count} table(s)");

        var context = new VerificationContext(_task, pair, new LagGate(_task, _store), progress, _log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var flushing = FlushLoopAsync(progress, stop.Token);
        try
        {
            if (run.Mode == VerificationMode.Full)
                await new FullVerifier(context).RunAsync(plans, cancellationToken).ConfigureAwait(false);
            else
                await new IncrementalVerifier(context).RunAsync(plans.Select(p => p.Plan).ToList(), run.Since, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            try { await flushing.ConfigureAwait(false); } catch (OperationCanceledException) { }
            progress.Flush();
        }
        var differences = progress.Differences;
        _log($"verification done: {differences} difference(s)");
        return differences;
    }

    /// <summary>The task's tables whose source or target name matches one of the patterns (all when there are none).</summary>
    public static IReadOnlyList<TaskTable> Select(IReadOnlyList<TaskTable> tables, IReadOnlyList<string> include)
    {
        if (include.Count == 0) return tables;
        var patterns = include.Select(Pattern).ToList();
        var selected = tables.Where(t => patterns.Any(p =>
            p.Matches(new ObjectName(t.Mapping.SourceDatabase, t.Mapping.SourceTable), ignoreCase: true)
            || p.Matches(new ObjectName(t.Mapping.TargetDatabase, t.Mapping.TargetTable), ignoreCase: true))).ToList();
        if (selected.Count == 0)
            throw new OmsException("NothingToVerify", OmsErrorKind.InvalidArgument, string.Join(", ", include),
                $"-Include {string.Join(", ", include)} matches none of the task's tables (by source or target name). " +
                "Get-OmsTask shows them; use db.table patterns with * and ?.");
        return selected;
    }

    /// <summary>Parses an -Include pattern, with an error that says what is wrong.</summary>
    public static ObjectPattern Pattern(string include) => ObjectPattern.TryParse(include, out var error)
        ?? throw new OmsException("InvalidIncludePattern", OmsErrorKind.InvalidArgument, include, error ?? $"'{include}' is not a valid table pattern.");

    private static async Task FlushLoopAsync(VerificationProgress progress, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            progress.Flush();
    }
}
